namespace Marketplace.Domain;

[GenerateSerializer, Alias("Marketplace.ContractStatus")]
public enum ContractStatus
{
    Requested,
    Active,
    Suspended,
    Terminated,
    Expired,
    Rejected,
}
