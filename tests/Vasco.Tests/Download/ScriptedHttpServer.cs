using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Vasco.Tests.Download;

/// <summary>One request as the server read it: its request line, its headers (names without regard to case) and its body.</summary>
sealed record ScriptedRequest(string Line, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string Method => Line.Split(' ')[0];

    /// <summary>The request target: path and query, as sent.</summary>
    public string Target => Line.Split(' ')[1];

    public string Path => Target.Split('?')[0];

    public string BodyText => Encoding.UTF8.GetString(Body);

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>
/// A minimal HTTP/1.1 server on 127.0.0.1 that answers each request with the next scripted behaviour (the last
/// one repeats). Raw sockets, so that it can stall, cut a body short or lie about its length like a real
/// overloaded archive. It reads each request's head and its body (by Content-Length, or chunked). Every answer
/// closes the connection.
/// </summary>
sealed class ScriptedHttpServer : IDisposable
{
    readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    readonly CancellationTokenSource _stop = new();
    readonly Queue<Func<Stream, Task>> _script = new();
    readonly Task _acceptLoop;
    readonly Func<ScriptedRequest, Func<Stream, Task>>? _route;
    Func<Stream, Task>? _last;
    int _requests;

    /// <summary>A server that picks each answer from the request line (several tiles at once).</summary>
    public ScriptedHttpServer(Func<string, Func<Stream, Task>> route) : this(request => route(request.Line), true)
    {
    }

    /// <summary>A server that picks each answer from the whole request (its body too).</summary>
    public static ScriptedHttpServer Serving(Func<ScriptedRequest, Func<Stream, Task>> route) => new(route, true);

    ScriptedHttpServer(Func<ScriptedRequest, Func<Stream, Task>> route, bool _)
    {
        _route = route;
        _listener.Start();
        _acceptLoop = AcceptAsync();
    }

    public ScriptedHttpServer(params Func<Stream, Task>[] script)
    {
        foreach (var step in script)
            _script.Enqueue(step);
        _listener.Start();
        _acceptLoop = AcceptAsync();
    }

    public Uri Endpoint => new(BaseUri, "cgi-bin/dss_search");

    /// <summary>The server's root, as a mirror's base address.</summary>
    public Uri BaseUri => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    public int Requests => Volatile.Read(ref _requests);

    public ConcurrentQueue<string> RequestLines { get; } = new();

    /// <summary>When each request head was read (timestamps of <see cref="Clock"/>), to check the spacing between requests.</summary>
    public ConcurrentQueue<long> RequestTimes { get; } = new();

    /// <summary>The clock of <see cref="RequestTimes"/>: the client's, when the test gives it a fake one.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = ServeAsync(client);
        }
    }

    async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var request = await ReadRequestAsync(stream);
                RequestTimes.Enqueue(Clock.GetTimestamp());
                RequestLines.Enqueue(request.Line);
                Interlocked.Increment(ref _requests);
                Func<Stream, Task> answer;
                if (_route is not null) answer = _route(request);
                else lock (_script) answer = _last = _script.TryDequeue(out var next) ? next : _last!;
                await answer(stream);
                await stream.FlushAsync();
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
            {
                // The client gave up (an attempt timed out): nothing to answer.
            }
        }
    }

    /// <summary>Reads the request head up to the blank line, then its body (Content-Length bytes, or chunks).</summary>
    static async Task<ScriptedRequest> ReadRequestAsync(Stream stream)
    {
        var head = new StringBuilder();
        var buffer = new byte[1];
        while (head.Length < 4 || head.ToString(head.Length - 4, 4) != "\r\n\r\n")
        {
            if (await stream.ReadAsync(buffer) == 0)
                throw new IOException("request ended early");
            head.Append((char)buffer[0]);
        }
        var lines = head.ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in lines.Skip(1))
            if (header.IndexOf(':') is > 0 and var colon)
                headers[header[..colon].Trim()] = header[(colon + 1)..].Trim();
        byte[] body = [];
        if (headers.TryGetValue("Content-Length", out var length))
            body = await ReadExactlyAsync(stream, int.Parse(length));
        else if (headers.TryGetValue("Transfer-Encoding", out var coding) && coding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            var all = new MemoryStream();
            while (true)
            {
                var size = Convert.ToInt32((await ReadLineAsync(stream)).Split(';')[0].Trim(), 16);
                if (size == 0) break;
                all.Write(await ReadExactlyAsync(stream, size));
                await ReadLineAsync(stream);
            }
            while ((await ReadLineAsync(stream)).Length > 0) { }  // trailers, then the blank line
            body = all.ToArray();
        }
        return new ScriptedRequest(lines[0], headers, body);
    }

    static async Task<byte[]> ReadExactlyAsync(Stream stream, int count)
    {
        var bytes = new byte[count];
        await stream.ReadExactlyAsync(bytes);
        return bytes;
    }

    static async Task<string> ReadLineAsync(Stream stream)
    {
        var line = new StringBuilder();
        var buffer = new byte[1];
        while (!line.ToString().EndsWith("\r\n", StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(buffer) == 0)
                throw new IOException("request ended early");
            line.Append((char)buffer[0]);
        }
        return line.ToString(0, line.Length - 2);
    }

    public static Func<Stream, Task> Answer(int status, string contentType, byte[] body, params string[] headers) =>
        stream => WriteAsync(stream, status, [$"Content-Type: {contentType}", $"Content-Length: {body.Length}", .. headers], body);

    public static Func<Stream, Task> FitsAnswer(byte[] body, params string[] headers) => Answer(200, "image/x-fits", body, headers);

    public static Func<Stream, Task> Status(int status, params string[] headers) =>
        Answer(status, "text/plain", Encoding.ASCII.GetBytes($"status {status}"), headers);

    public static Func<Stream, Task> Html(string page) => Answer(200, "text/html; charset=utf-8", Encoding.UTF8.GetBytes(page));

    /// <summary>Says nothing for a while, then hangs up.</summary>
    public static Func<Stream, Task> Stall(TimeSpan wait) => async _ => await Task.Delay(wait);

    /// <summary>Sends the first <paramref name="sent"/> bytes of the body and closes; with no Content-Length the client sees a short file, with one a broken transfer.</summary>
    public static Func<Stream, Task> Cut(byte[] body, int sent, bool declareLength) =>
        stream => WriteAsync(stream, 200, declareLength ? ["Content-Type: image/x-fits", $"Content-Length: {body.Length}"] : ["Content-Type: image/x-fits"], body[..sent]);

    /// <summary>Hangs up with a TCP reset (RST) instead of an answer, as an overloaded front end does.</summary>
    public static Func<Stream, Task> Reset() => stream =>
    {
        ResetConnection(stream);
        return Task.CompletedTask;
    };

    /// <summary>Sends the head and the first <paramref name="sent"/> bytes of a declared-length body, then resets the connection.</summary>
    public static Func<Stream, Task> ResetMidBody(string contentType, byte[] body, int sent) => async stream =>
    {
        await WriteAsync(stream, 200, [$"Content-Type: {contentType}", $"Content-Length: {body.Length}"], body[..sent]);
        await stream.FlushAsync();
        ResetConnection(stream);
    };

    /// <summary>A whole, correct answer whose body trickles out in <paramref name="pieces"/> parts, <paramref name="pause"/> apart.</summary>
    public static Func<Stream, Task> Dribble(string contentType, byte[] body, int pieces, TimeSpan pause) => async stream =>
    {
        await WriteAsync(stream, 200, [$"Content-Type: {contentType}", $"Content-Length: {body.Length}"], []);
        var size = (body.Length + pieces - 1) / pieces;
        for (var at = 0; at < body.Length; at += size)
        {
            await Task.Delay(pause);
            await stream.WriteAsync(body.AsMemory(at, Math.Min(size, body.Length - at)));
            await stream.FlushAsync();
        }
    };

    static void ResetConnection(Stream stream)
    {
        var socket = ((NetworkStream)stream).Socket;
        socket.LingerState = new LingerOption(true, 0);
        socket.Close();
    }

    /// <summary>Answers once <paramref name="release"/> completes: the test decides when, whatever the machine's load.</summary>
    public static Func<Stream, Task> Held(Func<Task> release, Func<Stream, Task> then) => async stream =>
    {
        await release();
        await then(stream);
    };

    /// <summary>Waits, then answers: lets two requests overlap.</summary>
    public static Func<Stream, Task> Slow(TimeSpan wait, Func<Stream, Task> then) => async stream =>
    {
        await Task.Delay(wait);
        await then(stream);
    };

    static async Task WriteAsync(Stream stream, int status, IEnumerable<string> headers, byte[] body)
    {
        var head = new StringBuilder($"HTTP/1.1 {status} {Reason(status)}\r\n");
        foreach (var header in headers.Append("Connection: close"))
            head.Append(header).Append("\r\n");
        head.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()));
        await stream.WriteAsync(body);
    }

    static string Reason(int status) => status switch
    {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        408 => "Request Timeout",
        502 => "Bad Gateway",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    };

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _acceptLoop.Wait(TimeSpan.FromSeconds(5));
        _stop.Dispose();
    }
}
