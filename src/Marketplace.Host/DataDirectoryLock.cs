namespace Marketplace.Host;

/// <summary>
/// The data directory belongs to one marketplace process at a time: two hosts writing one SQLite file would each
/// trust their own in-process order (one writer thread per process, the upload spool sweep), and their grains would
/// be active twice. The lock is an exclusive handle on <c>marketplace.lock</c>; the operating system drops it when
/// the process ends, however it ends, so a crash never leaves the directory locked.
/// </summary>
public sealed class DataDirectoryLock : IDisposable
{
    public const string FileName = "marketplace.lock";
    private readonly FileStream _handle;

    private DataDirectoryLock(FileStream handle) => _handle = handle;

    public static DataDirectoryLock Acquire(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, FileName);
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }
            var handle = new FileStream(path, options);
            // Who holds it, for a person reading the file; the lock itself is the open handle.
            handle.SetLength(0);
            var owner = System.Text.Encoding.UTF8.GetBytes($"{Environment.ProcessId}\n");
            handle.Write(owner);
            handle.Flush();
            return new DataDirectoryLock(handle);
        }
        catch (IOException e)
        {
            throw new InvalidOperationException(
                $"The data directory '{Path.GetFullPath(dataDirectory)}' is in use by another marketplace process ({Holder(path)}). "
                + "Stop that process, or start this one with another --Marketplace:DataDirectory.", e);
        }
    }

    private static string Holder(string path)
    {
        try
        {
            using var reader = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var text = new StreamReader(reader);
            var pid = text.ReadLine();
            return string.IsNullOrWhiteSpace(pid) ? "process id unknown" : $"process id {pid.Trim()}";
        }
        catch (IOException)
        {
            return "process id unknown";
        }
    }

    public void Dispose() => _handle.Dispose();
}
