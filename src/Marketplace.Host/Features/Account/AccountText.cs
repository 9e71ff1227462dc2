namespace Marketplace.Host.Features.Account;

/// <summary>The strings of signing in and out, the account pages and the console's frame (<c>AccountText.resx</c>, <c>AccountText.ja.resx</c>).</summary>
public sealed class AccountText;
