using Vasco.Fits;
using Vasco.Tools;

namespace Vasco.Extraction;

/// <summary>What PSFEx says of its model: stars loaded and accepted, chi2, FWHM (pixels).</summary>
public sealed record PsfModel(int Loaded, int Accepted, double Chi2, double FwhmPixels, double Sampling, int Width, int Height);

/// <summary>
/// Runs PSFEx on a pass-1 catalog and checks the model it writes. PSFEx exits 0 with an
/// empty model when no star is usable (FACTS 1), so the accepted-star count is checked
/// here rather than trusted from the exit code.
/// </summary>
public sealed class Psfex(string executable, TimeSpan timeout)
{
    public PsfModel Run(string catalog, string configFile, string psfPath, string logFile, CancellationToken cancellation)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(psfPath))!;
        Directory.CreateDirectory(dir);
        // PSFEx names its output after the catalog: run it in a private folder on a copy, then move the model.
        var work = ToolWorkDir.Create("psfex");
        try
        {
            var input = Path.Combine(work, "catalog.cat");
            File.Copy(catalog, input);
            var args = new List<string>
            {
                input, "-c", configFile,
                "-PSF_DIR", work,
                "-CHECKPLOT_TYPE", "NONE",
                "-CHECKIMAGE_TYPE", "NONE",
                "-XML_NAME", Path.Combine(work, "psfex.xml"),
                "-VERBOSE_TYPE", "QUIET",
            };
            var result = ProcessRunner.Run(executable, args, work, timeout, cancellation: cancellation);
            ToolLog.Write(logFile, executable, args, result);
            var output = Path.Combine(work, "catalog.psf");
            if (result.TimedOut || result.ExitCode != 0 || !File.Exists(output))
                throw new VascoException(ErrorCodes.ToolFailed,
                    $"PSFEx failed on {Path.GetFileName(catalog)} (exit {result.ExitCode}{(result.TimedOut ? ", timed out" : "")}): {ToolLog.LastLine(result)}",
                    $"see {logFile}.", logFile);
            var model = Read(output);
            var temp = Vasco.IO.AtomicFile.TempPathFor(psfPath);
            File.Copy(output, temp, overwrite: true);
            File.Move(temp, psfPath, overwrite: true);
            return model;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>Reads the model's summary keywords from a .psf file.</summary>
    public static PsfModel Read(string psfPath)
    {
        var table = FitsFile.Read(psfPath).Hdus.OfType<BinaryTableHdu>().FirstOrDefault()
            ?? throw new FitsFormatException($"'{psfPath}' holds no PSF table.");
        var h = table.Header;
        int I(string k) => h.TryGetInt(k, out var v) ? v : 0;
        double D(string k) => h.TryGetDouble(k, out var v) ? v : double.NaN;
        return new PsfModel(I("LOADED"), I("ACCEPTED"), D("CHI2"), D("PSF_FWHM"), D("PSF_SAMP"), I("PSFAXIS1"), I("PSFAXIS2"));
    }
}
