using System.Diagnostics;

namespace Marketplace.Host.Tests.Hostile;

/// <summary>
/// Watches the test process for stalls that are not the application's answer: how long a work item queued to the
/// thread pool waits before it runs (starvation) and how long the garbage collector paused everything. A thread of
/// its own samples every <see cref="Interval"/>, so it keeps measuring while the pool is starved.
/// </summary>
public sealed class RuntimeStallProbe : IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    private readonly Thread _sampler;
    private readonly Lock _gate = new();
    private readonly TimeSpan _gcPauseAtStart = GC.GetTotalPauseDuration();
    private readonly ManualResetEventSlim _stopped = new();
    private TimeSpan _worstQueueWait;
    private DateTimeOffset _worstQueueWaitAt;
    private int _worstPending;

    public RuntimeStallProbe()
    {
        _sampler = new Thread(Sample) { IsBackground = true, Name = "Runtime stall probe" };
        _sampler.Start();
    }

    /// <summary>A line for the test's output: the worst pool wait (when), its queue length, threads and GC pause.</summary>
    public string Describe()
    {
        lock (_gate)
        {
            var gcPause = GC.GetTotalPauseDuration() - _gcPauseAtStart;
            return $"thread pool: worst wait {_worstQueueWait.TotalMilliseconds:F0} ms at {_worstQueueWaitAt:HH:mm:ss.fff}, " +
                $"worst queue {_worstPending} items, {ThreadPool.ThreadCount} threads now; GC paused {gcPause.TotalMilliseconds:F0} ms in all, " +
                $"{GC.CollectionCount(2)} gen-2 collections";
        }
    }

    private void Sample()
    {
        using var ran = new ManualResetEventSlim();
        while (!_stopped.IsSet)
        {
            ran.Reset();
            var queued = Stopwatch.GetTimestamp();
            var waited = TimeSpan.Zero;
            ThreadPool.UnsafeQueueUserWorkItem(_ =>
            {
                waited = Stopwatch.GetElapsedTime(queued);
                ran.Set();
            }, null);
            var pending = (int)Math.Min(int.MaxValue, ThreadPool.PendingWorkItemCount);
            ran.Wait();
            lock (_gate)
            {
                if (waited > _worstQueueWait)
                {
                    _worstQueueWait = waited;
                    _worstQueueWaitAt = TimeProvider.System.GetUtcNow();
                }
                _worstPending = Math.Max(_worstPending, pending);
            }
            _stopped.Wait(Interval);
        }
    }

    public void Dispose()
    {
        _stopped.Set();
        _sampler.Join();
        _stopped.Dispose();
    }
}
