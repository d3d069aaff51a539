using System.Collections.Concurrent;
using Vasco.Tests.Download;

namespace Vasco.Tests.Faults;

/// <summary>What an archive emulator does to one tile's requests: these answers first, then (unless Forever) healthy ones.</summary>
public sealed record FaultScript(IReadOnlyList<Func<Stream, Task>> Answers, bool Forever = false)
{
    public static FaultScript Once(params Func<Stream, Task>[] answers) => new(answers);
    public static FaultScript Always(Func<Stream, Task> answer) => new([answer], Forever: true);
}

/// <summary>
/// One row of a fault matrix: the tile that gets the fault, the fault, and what must come of it: its VASCO code
/// (null: the tile must succeed), the retries its manifest records, and what its attempt log or failure reason says.
/// </summary>
public sealed record ArchiveFault(string Tile, string What, Func<FaultScript> Script, string? Code, int Retries, params string[] Said)
{
    public bool Fails => Code is not null;
    public override string ToString() => Tile;

    /// <summary>The attempt log a step wrote in a tile's manifest (a list of lines under <paramref name="field"/>).</summary>
    public static string AttemptLog(Vasco.Pipeline.Manifest m, string field) =>
        m.Fields.TryGetValue(field, out var a) && a is System.Text.Json.JsonElement e ? string.Join("\n", e.EnumerateArray().Select(x => x.GetString())) : "";
}

/// <summary>
/// A loopback archive (the STScI DSS endpoint or a VizieR mirror) that serves healthy answers to every tile
/// except the ones given a fault script. Each request is attributed to a tile by <paramref name="tileOf"/>
/// (from the request line), so one build can put a different fault on each tile and the others can be checked
/// to be untouched. <see cref="Heal"/> drops every fault, as when the archive recovers.
/// </summary>
sealed class FaultyArchive : IDisposable
{
    readonly ConcurrentDictionary<string, Queue<Func<Stream, Task>>> _pending = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, FaultScript> _scripts = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, int> _requests = new(StringComparer.Ordinal);
    readonly Func<string, string?> _tileOf;
    readonly Func<string, Func<Stream, Task>> _healthy;
    volatile bool _healed;

    public FaultyArchive(Func<string, string?> tileOf, Func<string, Func<Stream, Task>> healthy)
    {
        _tileOf = tileOf;
        _healthy = healthy;
        Server = new ScriptedHttpServer(Answer);
    }

    public ScriptedHttpServer Server { get; }

    public void Script(string tileId, FaultScript script)
    {
        _scripts[tileId] = script;
        _pending[tileId] = new Queue<Func<Stream, Task>>(script.Answers);
    }

    public void Heal() => _healed = true;

    /// <summary>Requests that reached the archive for this tile.</summary>
    public int Requests(string tileId) => _requests.TryGetValue(tileId, out var n) ? n : 0;

    Func<Stream, Task> Answer(string requestLine)
    {
        var tile = _tileOf(requestLine);
        if (tile is null) return ScriptedHttpServer.Status(404);
        _requests.AddOrUpdate(tile, 1, (_, n) => n + 1);
        if (!_healed && _pending.TryGetValue(tile, out var queue))
            lock (queue)
            {
                if (queue.Count > 1 || queue.Count == 1 && !_scripts[tile].Forever) return queue.Dequeue();
                if (queue.Count == 1) return queue.Peek();
            }
        return _healthy(requestLine);
    }

    public void Dispose() => Server.Dispose();
}
