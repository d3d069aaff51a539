namespace Vasco;

/// <summary>
/// A failure the user can cause and fix: it carries a stable VASCO#### code, a one-line
/// cause, the fix, and where possible the input file it concerns.
/// </summary>
public class VascoException : Exception
{
    public VascoException(string code, string cause, string fix, string? file = null, Exception? inner = null)
        : base(cause, inner)
    {
        Code = code;
        Cause = cause;
        Fix = fix;
        File = file;
    }

    public string Code { get; }
    public string Cause { get; }
    public string Fix { get; }
    public string? File { get; }
    /// <summary>Where in <see cref="File"/> (1-based; 0: not known), so MSBuild and editors show the error there.</summary>
    public int Line { get; init; }
    public int Column { get; init; }
    /// <summary>The run file's property or item the error is about, when <see cref="File"/> is not set: the error points at its line.</summary>
    public RunFileElement? InRunFile { get; init; }

    /// <summary>The text shown to the user: cause, then the fix.</summary>
    public string UserMessage => $"{Cause} Fix: {Fix}";

    public override string ToString() => $"{Code}: {UserMessage}";
}
