using System.Net;
using System.Net.Http.Json;
using System.Text;
using Marketplace.Host.Features.Datasets;

namespace Marketplace.Host.Tests;

/// <summary>Secrets and uploaded data on disk are the owner's alone, from the moment they exist until they are gone.</summary>
[Collection(MarketplaceCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class PrivateFileTests(MarketplaceFixture fixture) : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "marketplace-private-files", Guid.NewGuid().ToString("N"));

    [Fact]
    public void The_operator_key_is_readable_by_its_owner_only_and_no_temporary_copy_is_left()
    {
        _ = fixture.Factory.OperatorKey;

        var key = Path.Combine(fixture.Factory.DataDirectory, "operator.key");

        Assert.Equal(OwnerOnly, File.GetUnixFileMode(key));
        Assert.Equal([key], Directory.GetFiles(fixture.Factory.DataDirectory, "*operator.key*"));
    }

    [Fact]
    public async Task A_private_file_is_owner_only_while_it_is_written_and_appears_only_when_whole()
    {
        var path = Path.Combine(_directory, "secret.key");
        var modesWhileWriting = new List<UnixFileMode>();
        var visibleWhileWriting = true;

        await PrivateFile.WriteAsync(path, async stream =>
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes("half"));
            visibleWhileWriting = File.Exists(path);
            modesWhileWriting.AddRange(Directory.GetFiles(_directory).Select(File.GetUnixFileMode));
            await stream.WriteAsync(Encoding.UTF8.GetBytes(" and the rest"));
        });

        Assert.False(visibleWhileWriting);
        Assert.Equal([OwnerOnly], modesWhileWriting);
        Assert.Equal("half and the rest", await File.ReadAllTextAsync(path));
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(path));
        Assert.Single(Directory.GetFiles(_directory));
    }

    [Fact]
    public async Task Upload_spool_files_are_owner_only_under_the_data_directory()
    {
        var spool = new UploadSpool(_directory);

        await using var file = spool.Create();

        Assert.Equal(Path.Combine(_directory, "spool"), Path.GetDirectoryName(file.Name));
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(file.Name));
    }

    [Fact]
    public async Task Spool_files_left_by_a_crash_are_swept()
    {
        var spool = new UploadSpool(_directory);
        string left;
        await using (var file = spool.Create())
        {
            left = file.Name;
        }

        var swept = spool.Sweep();

        Assert.Equal(1, swept);
        Assert.False(File.Exists(left));
    }

    [Fact]
    public async Task An_upload_leaves_no_spool_file_behind()
    {
        var provider = await fixture.Driver.CreatePartyAsync("provider");
        var id = MarketplaceDriver.UniqueId("ds");
        await fixture.Driver.CreateDatasetAsync(provider, MarketplaceDriver.BusStopsDataset(id));

        await MarketplaceDriver.UploadCsvAsync(provider, id, MarketplaceDriver.BusStopsCsv(3));

        var spool = Path.Combine(fixture.Factory.DataDirectory, "spool");
        Assert.True(Directory.Exists(spool));
        Assert.Empty(Directory.GetFiles(spool));
    }

    [Fact]
    public async Task Only_the_first_hundred_row_problems_are_listed_with_the_total_count()
    {
        var provider = await fixture.Driver.CreatePartyAsync("provider");
        var id = MarketplaceDriver.UniqueId("ds");
        await fixture.Driver.CreateDatasetAsync(provider, MarketplaceDriver.BusStopsDataset(id));
        var csv = new StringBuilder("stop_id,name,district,lat\n");
        for (var i = 0; i < 150; i++)
        {
            csv.Append("S,Stop,east,not-a-number\n");
        }
        using var content = new StringContent(csv.ToString(), Encoding.UTF8, "text/csv");

        var problem = await MarketplaceDriver.Problem(
            await provider.Client.PostAsync($"/api/v1/datasets/{id}/revisions", content), HttpStatusCode.UnprocessableEntity);

        Assert.Equal(100, problem.GetProperty("errors").GetArrayLength());
        Assert.Equal(150, problem.GetProperty("errorCount").GetInt64());
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
