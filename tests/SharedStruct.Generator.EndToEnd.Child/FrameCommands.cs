using System;
using System.Globalization;
using System.Threading;
using SharedStruct;

namespace SharedStruct.EndToEnd;

/// <summary>
/// The 8 MiB frame's commands. Each runs on a thread whose stack (256 KiB) could not hold the frame even once, so a
/// by-value copy anywhere on the path would overflow it.
/// </summary>
internal static class FrameCommands
{
    private const int SmallStack = 256 * 1024;

    public static int Run(string[] args, SharedSegmentOptions options)
    {
        int exit = 1;
        var thread = new Thread(() => exit = RunOnSmallStack(args, options), SmallStack);
        thread.Start();
        thread.Join();
        return exit;
    }

    private static byte Pattern(long sequence, int index) => (byte)(index * 7 + sequence);

    private static int RunOnSmallStack(string[] args, SharedSegmentOptions options)
    {
        switch (args[0])
        {
            case "frame-write":
            {
                long sequence = long.Parse(args[2], CultureInfo.InvariantCulture);
                using FrameSegment frame = Frame.Open(options);
                frame.Update(static (ref Frame f, long seq) =>
                {
                    f.Sequence = seq;
                    Span<byte> pixels = f.PixelsSpan;
                    for (int i = 0; i < pixels.Length; i++)
                        pixels[i] = Pattern(seq, i);
                }, sequence, TimeSpan.FromSeconds(10));
                Console.WriteLine(frame.IsCreator ? "created" : "opened");
                return 0;
            }
            case "frame-read":
            {
                // Caller storage on the heap: a field of a class (an array cannot hold a struct over 64 KiB).
                var storage = new FrameBox();
                using FrameSegment frame = Frame.OpenExisting(options);
                frame.ReadSnapshot(ref storage.Value, TimeSpan.FromSeconds(10));
                string writable = Check(in storage.Value);

                storage.Value.Sequence = -1;
                using FrameReadOnlySegment view = Frame.OpenReadOnly(options);
                view.ReadSnapshot(ref storage.Value, TimeSpan.FromSeconds(10), out ulong _);
                string readOnly = Check(in storage.Value);

                // Read and the typed getter copy the frame into native memory, not onto this small stack.
                string fromRead = view.Read(static (in Frame f) => Check(in f));
                long sequence = view.Sequence;
                Console.WriteLine(string.Join("|", sequence.ToString(CultureInfo.InvariantCulture), writable, readOnly, fromRead));
                return 0;
            }
            case "frame-by-value":
                return ReadByValue(options);
            default:
                Console.Error.WriteLine($"unknown command {args[0]}");
                return 2;
        }
    }

    // Its own method: a Frame local makes the whole frame of whichever method declares it 8 MiB.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static int ReadByValue(SharedSegmentOptions options)
    {
        // The twin that proves the stack is small enough: the runtime's by-value snapshot of the frame.
        using FrameSegment frame = Frame.OpenExisting(options);
        Frame copy = frame.Segment.ReadSnapshot(TimeSpan.FromSeconds(10));
        Console.WriteLine(copy.Sequence.ToString(CultureInfo.InvariantCulture));
        return 0;
    }

    private sealed class FrameBox
    {
        public Frame Value;
    }

    private static string Check(in Frame frame)
    {
        ReadOnlySpan<byte> pixels = frame.PixelsReadOnlySpan;
        for (int i = 0; i < pixels.Length; i++)
        {
            if (pixels[i] != Pattern(frame.Sequence, i))
                return "bad@" + i.ToString(CultureInfo.InvariantCulture);
        }
        return pixels.Length == Frame.PixelCount ? "ok" : "short";
    }
}
