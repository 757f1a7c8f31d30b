// The commands are tested against real segments in /dev/shm and real child processes (Linux).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
