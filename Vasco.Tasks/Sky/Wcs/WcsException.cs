namespace Vasco.Sky;

/// <summary>A header holds no world coordinate system Vasco can use, or one it does not support.</summary>
public sealed class WcsException(string message) : Exception(message);
