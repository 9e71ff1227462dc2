namespace Marketplace.Domain;

[GenerateSerializer, Alias("Marketplace.ContractAction")]
public enum ContractAction
{
    Activate,
    Approve,
    Reject,
    Suspend,
    Resume,
    Terminate,
    Expire,
}
