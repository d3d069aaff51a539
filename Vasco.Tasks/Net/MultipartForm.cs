using System.Text;

namespace Vasco.Net;

/// <summary>An HTML-style multipart/form-data body, as archives' upload APIs (CDS XMatch, TAP) take it.</summary>
public static class MultipartForm
{
    /// <summary>
    /// The fields as plain form fields (no Content-Type of their own, as a browser or Python's requests sends them),
    /// then the uploaded file as a part named <paramref name="fileField"/> with its file name and media type.
    /// </summary>
    public static MultipartFormDataContent Of(IEnumerable<(string Name, string Value)> fields, string fileField, string fileName, string mediaType, string fileText)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, value) in fields)
        {
            var field = new StringContent(value, new UTF8Encoding(false));
            field.Headers.ContentType = null;
            form.Add(field, name);
        }
        form.Add(new StringContent(fileText, new UTF8Encoding(false), mediaType), fileField, fileName);
        return form;
    }
}
