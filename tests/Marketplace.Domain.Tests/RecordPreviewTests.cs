namespace Marketplace.Domain.Tests;

public sealed class RecordPreviewTests
{
    [Fact]
    public void Public_data_shows_a_preview_unless_the_provider_turns_it_off()
    {
        Assert.True(RecordPreview.IsShown(DatasetClass.Public, setting: null));
        Assert.False(RecordPreview.IsShown(DatasetClass.Public, setting: false));
    }

    [Fact]
    public void Private_data_shows_no_preview_unless_the_provider_turns_it_on()
    {
        Assert.False(RecordPreview.IsShown(DatasetClass.Private, setting: null));
        Assert.True(RecordPreview.IsShown(DatasetClass.Private, setting: true));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(false)]
    [InlineData(true)]
    public void Personal_data_never_shows_a_preview_whatever_is_stored(bool? setting)
    {
        Assert.False(RecordPreview.IsShown(DatasetClass.Personal, setting));
    }

    [Fact]
    public void Turning_the_preview_on_for_personal_data_is_refused_with_a_reason()
    {
        var refusal = Assert.Throws<DomainException>(() => RecordPreview.Check(DatasetClass.Personal, true));

        Assert.Equal(ErrorCodes.OfferingPreviewPersonal.Value, refusal.Code);
        Assert.Contains("schema and the record count only", refusal.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(DatasetClass.Personal, null)]
    [InlineData(DatasetClass.Personal, false)]
    [InlineData(DatasetClass.Private, true)]
    [InlineData(DatasetClass.Public, false)]
    [InlineData(DatasetClass.Public, null)]
    public void Any_other_setting_is_kept_as_the_provider_chose_it(DatasetClass datasetClass, bool? setting)
    {
        Assert.Equal(setting, RecordPreview.Check(datasetClass, setting));
    }
}
