namespace SharedStruct;

/// <summary>Changes the payload under the segment lock (see <see cref="SharedSegment{T}.Update(SegmentUpdater{T}, System.TimeSpan)"/>).</summary>
/// <typeparam name="T">The payload type.</typeparam>
/// <param name="value">The payload, in shared memory: valid only during the call.</param>
public delegate void SegmentUpdater<T>(ref T value) where T : unmanaged;

/// <summary>Changes the payload under the segment lock, with a caller-supplied state so the callback can be <c>static</c>.</summary>
/// <typeparam name="T">The payload type.</typeparam>
/// <typeparam name="TState">The state's type.</typeparam>
/// <param name="value">The payload, in shared memory: valid only during the call.</param>
/// <param name="state">The state passed to <c>Update</c>.</param>
public delegate void SegmentUpdater<T, in TState>(ref T value, TState state) where T : unmanaged;

/// <summary>Computes a result from one consistent snapshot of the payload (see <see cref="SharedSegment{T}.Read{TResult}(SegmentReader{T, TResult}, System.TimeSpan)"/>).</summary>
/// <typeparam name="T">The payload type.</typeparam>
/// <typeparam name="TResult">The result's type.</typeparam>
/// <param name="value">The snapshot, a private copy: valid only during the call.</param>
/// <returns>The result <c>Read</c> returns.</returns>
public delegate TResult SegmentReader<T, out TResult>(in T value) where T : unmanaged;

/// <summary>Computes a result from one consistent snapshot, with a caller-supplied state so the callback can be <c>static</c>.</summary>
/// <typeparam name="T">The payload type.</typeparam>
/// <typeparam name="TState">The state's type.</typeparam>
/// <typeparam name="TResult">The result's type.</typeparam>
/// <param name="value">The snapshot, a private copy: valid only during the call.</param>
/// <param name="state">The state passed to <c>Read</c>.</param>
/// <returns>The result <c>Read</c> returns.</returns>
public delegate TResult SegmentReader<T, in TState, out TResult>(in T value, TState state) where T : unmanaged;
