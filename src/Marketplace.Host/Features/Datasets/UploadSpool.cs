namespace Marketplace.Host.Features.Datasets;

/// <summary>
/// Where upload bodies wait while they are checked: owner-only files in {DataDirectory}/spool (not the shared
/// temporary directory, where other users could list them and a crash would leave them for good). Each upload
/// deletes its own file; files a crash left behind are swept at start-up, when no upload can be running.
/// </summary>
public sealed class UploadSpool(string dataDirectory)
{
    public string Directory { get; } = Path.Combine(dataDirectory, "spool");

    /// <summary>A new, empty, owner-only spool file; the caller deletes it (by <see cref="FileStream.Name"/>) when done.</summary>
    public FileStream Create()
    {
        PrivateFile.CreateDirectory(Directory);
        return new FileStream(Path.Combine(Directory, $"upload-{Guid.NewGuid():N}"), PrivateFile.CreateNew());
    }

    /// <summary>Deletes every spool file; returns how many there were. Call only while no upload runs.</summary>
    public int Sweep()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return 0;
        }
        var swept = 0;
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory))
        {
            File.Delete(file);
            swept++;
        }
        return swept;
    }
}
