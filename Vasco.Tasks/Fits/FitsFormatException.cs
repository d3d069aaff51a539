namespace Vasco.Fits;

/// <summary>A FITS file or header violates the standard (or a safety limit); the message names what and where.</summary>
public sealed class FitsFormatException : Exception
{
    public FitsFormatException(string message) : base(message) { }

    public FitsFormatException(string message, Exception inner) : base(message, inner) { }
}
