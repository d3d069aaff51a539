using System.Text;

namespace Vasco.Tiling;

/// <summary>Tile ids are file names in every step's folder: letters, digits, '-' and '_' only.</summary>
public static class TileIds
{
    public const int MaxLength = 64;

    /// <summary>Turns a target name into a tile id base: other characters become '_', runs of '_' collapse.</summary>
    public static string FromName(string name, string source)
    {
        var sb = new StringBuilder();
        foreach (var ch in name.Trim())
        {
            var ok = ch is >= 'A' and <= 'Z' or >= 'a' and <= 'z' or >= '0' and <= '9' or '-';
            var c = ok ? ch : '_';
            if (c == '_' && sb.Length > 0 && sb[^1] == '_') continue;
            sb.Append(c);
        }
        var id = sb.ToString().Trim('_', '-');
        if (id.Length == 0)
            throw new VascoException(ErrorCodes.TargetNameInvalid,
                $"Target name '{Printable(name)}' ({source}) has no letter or digit to make a tile id from.",
                "name the target with letters, digits, '-' or '_' (for example M67 or field_150_p20).");
        return id.Length > MaxLength ? id[..MaxLength] : id;
    }

    /// <summary>True for a string that is already a valid tile id.</summary>
    public static bool IsValid(string id) =>
        id.Length is > 0 and <= MaxLength + 16 && id.All(ch => ch is >= 'A' and <= 'Z' or >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '_');

    /// <summary>Shows control characters in names as \uXXXX so messages stay on one line.</summary>
    public static string Printable(string s) =>
        string.Concat(s.Select(c => char.IsControl(c) ? $"\\u{(int)c:X4}" : c.ToString()));
}
