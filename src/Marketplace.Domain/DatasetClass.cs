namespace Marketplace.Domain;

/// <summary>How sensitive a dataset is; <see cref="Personal"/> data is tied to a data subject and needs consent.</summary>
[GenerateSerializer, Alias("Marketplace.DatasetClass")]
public enum DatasetClass
{
    Public,
    Private,
    Personal,
}
