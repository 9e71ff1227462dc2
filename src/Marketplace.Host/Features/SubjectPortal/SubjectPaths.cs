namespace Marketplace.Host.Features.SubjectPortal;

/// <summary>Where a data subject's portal pages are: a person signed in as a data subject lands on <see cref="Home"/>.</summary>
public static class SubjectPaths
{
    public const string Home = "/me";
    public const string Grant = "/me/grant";
    public const string Receipts = "/me/receipts";
    public const string Provisions = "/me/provisions";
    public const string ProvisionsCsv = "/me/provisions.csv";
    public const string Earnings = "/me/earnings";
    public const string Privacy = "/me/privacy";

    public static string Notice(string noticeId) => $"{Grant}/{Uri.EscapeDataString(noticeId)}";

    public static string Consent(string recordId) => $"/me/consents/{Uri.EscapeDataString(recordId)}";

    public static string Withdraw(string recordId) => Consent(recordId) + "/withdraw";

    public static string Receipt(string receiptId) => $"{Receipts}/{Uri.EscapeDataString(receiptId)}";

    public static string ReceiptJws(string receiptId) => Receipt(receiptId) + "/jws";

    public static string ReceiptKantara(string receiptId) => Receipt(receiptId) + "/kantara";
}
