using System.Collections.Concurrent;
using System.Text;
using Vasco.Tests.Download;

namespace Vasco.Tests.Support;

/// <summary>What an archive stand-in answers to a request when no fault is injected: a status, a media type and a body.</summary>
sealed record ArchiveReplyText(int Status, string ContentType, string Body, params string[] Headers);

/// <summary>
/// A fault an archive stand-in puts on a request instead of its healthy answer (<see cref="LoopbackArchive.Inject"/>):
/// it is given the healthy answer, so that it can send part of it.
/// </summary>
sealed record ServerFault(string What, Func<ArchiveReplyText, Func<Stream, Task>> Answer)
{
    /// <summary>An error status with a short text body; with <paramref name="retryAfterSeconds"/>, a Retry-After header.</summary>
    public static ServerFault Status(int status, int? retryAfterSeconds = null) => new($"HTTP {status}",
        _ => ScriptedHttpServer.Answer(status, "text/plain", Encoding.ASCII.GetBytes($"status {status}"),
            retryAfterSeconds is { } s ? [$"Retry-After: {s}"] : []));

    /// <summary>
    /// Reads the request, then says nothing until the client hangs up (at its attempt's time limit), or
    /// <paramref name="longest"/> (5 minutes by default) has passed.
    /// </summary>
    public static ServerFault Stall(TimeSpan? longest = null) => new("a stall", _ => async stream =>
    {
        using var done = new CancellationTokenSource(longest ?? TimeSpan.FromMinutes(5));
        try
        {
            // A read returns 0 when the client closes the connection.
            while (await stream.ReadAsync(new byte[1], done.Token) > 0) { }
        }
        catch (OperationCanceledException)
        {
        }
    });

    /// <summary>
    /// The healthy answer's first <paramref name="fraction"/> of bytes, then the connection closed: without a declared
    /// length the client sees a short body, with one (<paramref name="declareLength"/>) a broken transfer.
    /// </summary>
    public static ServerFault CutShort(double fraction = 0.5, bool declareLength = false) => new("a body cut short", healthy =>
    {
        var body = Encoding.UTF8.GetBytes(healthy.Body);
        var sent = (int)(body.Length * fraction);
        return declareLength
            ? ScriptedHttpServer.ResetMidBody(healthy.ContentType, body, sent)
            : ScriptedHttpServer.Answer(healthy.Status, healthy.ContentType, body[..sent]);
    });

    /// <summary>A TCP reset instead of an answer.</summary>
    public static ServerFault Reset() => new("a connection reset", _ => ScriptedHttpServer.Reset());

    /// <summary>Any other answer: a status, a media type and a body of the test's choosing.</summary>
    public static ServerFault Reply(int status, string contentType, string body) => new($"HTTP {status} {contentType}",
        _ => ScriptedHttpServer.Answer(status, contentType, Encoding.UTF8.GetBytes(body)));
}

/// <summary>
/// The part the archive stand-ins (<see cref="XmatchServer"/>, <see cref="TapServer"/>, <see cref="SkybotServer"/>) share:
/// a <see cref="ScriptedHttpServer"/> on 127.0.0.1 at a free port, every request kept (line, headers, body), and the
/// faults injected for the next requests; each stand-in computes its healthy answer from the request.
/// </summary>
abstract class LoopbackArchive : IDisposable
{
    readonly ScriptedHttpServer _server;
    readonly List<(ServerFault Fault, int Left)> _faults = [];
    readonly ConcurrentQueue<ScriptedRequest> _requests = new();

    protected LoopbackArchive() => _server = ScriptedHttpServer.Serving(Serve);

    /// <summary>The server's root, e.g. http://127.0.0.1:40123/.</summary>
    public Uri BaseUri => _server.BaseUri;

    /// <summary>Requests that reached the server, faulted ones included.</summary>
    public int RequestCount => _server.Requests;

    /// <summary>Every request, in the order they arrived.</summary>
    public IReadOnlyList<ScriptedRequest> Requests => _requests.ToList();

    /// <summary>The requests' bodies, as text.</summary>
    public IReadOnlyList<string> Bodies => _requests.Select(r => r.BodyText).ToList();

    /// <summary>Puts <paramref name="fault"/> on the next <paramref name="count"/> requests, after any fault injected before it.</summary>
    public LoopbackArchive Inject(ServerFault fault, int count = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        lock (_faults) _faults.Add((fault, count));
        return this;
    }

    /// <summary>Drops the faults not yet used.</summary>
    public void Heal()
    {
        lock (_faults) _faults.Clear();
    }

    /// <summary>The healthy answer to a request.</summary>
    protected abstract ArchiveReplyText Answer(ScriptedRequest request);

    Func<Stream, Task> Serve(ScriptedRequest request)
    {
        _requests.Enqueue(request);
        ArchiveReplyText healthy;
        try
        {
            healthy = Answer(request);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A stand-in that cannot read a request says so, as a broken server would, and the test sees why.
            healthy = new ArchiveReplyText(500, "text/plain", $"the stand-in failed on this request: {e}");
        }
        ServerFault? fault = null;
        lock (_faults)
            if (_faults.Count > 0)
            {
                fault = _faults[0].Fault;
                if (_faults[0].Left > 1) _faults[0] = (fault, _faults[0].Left - 1);
                else _faults.RemoveAt(0);
            }
        return fault?.Answer(healthy) ?? ScriptedHttpServer.Answer(healthy.Status, healthy.ContentType, Encoding.UTF8.GetBytes(healthy.Body), healthy.Headers);
    }

    public void Dispose() => _server.Dispose();
}
