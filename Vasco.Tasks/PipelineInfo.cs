namespace Vasco; public static class PipelineInfo { public const string Version = "0.1.0"; }
