using BenchmarkDotNet.Running;

// bench/micro.sh runs every benchmark; pass BenchmarkDotNet's own arguments (--filter, --job) to pick.
BenchmarkSwitcher.FromAssembly(typeof(Vasco.Benchmarks.TileWork).Assembly).Run(args);
