// These tests exercise the Linux platform layer with real processes and /dev/shm; Windows has its own suite under Wine.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
