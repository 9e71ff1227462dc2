using System.Text;

namespace Marketplace.Host;

/// <summary>
/// Files only the host's own user may read: secrets and uploaded data. They are created owner-only (0600) from
/// the start, never widened later, so there is no moment in which another user could open them.
/// </summary>
public static class PrivateFile
{
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private const UnixFileMode OwnerOnlyDirectory = OwnerOnly | UnixFileMode.UserExecute;

    /// <summary>Options that create a new file, failing if it exists, with owner-only permissions.</summary>
    public static FileStreamOptions CreateNew()
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.ReadWrite,
            Share = FileShare.None,
            BufferSize = 1 << 16,
            Options = FileOptions.Asynchronous,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }
        return options;
    }

    /// <summary>Creates <paramref name="path"/> as a directory only the owner may enter, if it does not exist.</summary>
    public static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, OwnerOnlyDirectory);
        }
    }

    /// <summary>
    /// Writes <paramref name="path"/> whole or not at all: the content goes to an owner-only temporary file in
    /// the same directory, reaches the disk, and is then renamed over the target in one step.
    /// </summary>
    public static async Task WriteAsync(string path, Func<Stream, Task> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var stream = new FileStream(temporary, CreateNew()))
            {
                await write(stream);
                await stream.FlushAsync();
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            File.Delete(temporary); // nothing left there once moved
        }
    }

    public static Task WriteAllTextAsync(string path, string text) =>
        WriteAsync(path, stream => stream.WriteAsync(Encoding.UTF8.GetBytes(text)).AsTask());
}
