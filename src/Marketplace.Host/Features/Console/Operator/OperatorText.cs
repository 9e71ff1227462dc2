using Marketplace.Domain;
using Microsoft.Extensions.Localization;

namespace Marketplace.Host.Features.Console.Operator;

/// <summary>The strings of the operator's console (<c>OperatorText.resx</c>, <c>OperatorText.ja.resx</c>).</summary>
public sealed class OperatorText;

/// <summary>Where each part of the operator's console lives.</summary>
public static class OperatorPaths
{
    public const string Home = "/console/operator";
    public const string Parties = "/console/operator/parties";
    public const string Contracts = "/console/operator/contracts";

    /// <summary>The city's evaluation page (its own area of the console).</summary>
    public const string Evaluation = "/console/operator/evaluation";

    public static string Party(string id) => $"{Parties}/{Uri.EscapeDataString(id)}";

    public static string Contract(string id) => $"{Contracts}/{Uri.EscapeDataString(id)}";
}

/// <summary>
/// A refusal in the reader's language: the rule's own words are the API's (English), so the refusals an operator
/// meets most are said again here; any other keeps the rule's words.
/// </summary>
public static class OperatorRefusals
{
    private static readonly IReadOnlyDictionary<string, string> Keys = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [ErrorCodes.PartyExists.Value] = "Error.PartyExists",
        [ErrorCodes.PartyInvalidName.Value] = "Error.PartyName",
        [ErrorCodes.PartyInvalidReason.Value] = "Error.Reason",
        [ErrorCodes.PartyNotSuspendable.Value] = "Error.NotSuspendable",
        [ErrorCodes.ApikeyLimit.Value] = "Error.KeyLimit",
        [ErrorCodes.PersonExists.Value] = "Error.PersonExists",
        [ErrorCodes.PersonInvalidSignIn.Value] = "Error.SignIn",
        [ErrorCodes.PersonInvalidName.Value] = "Error.PersonName",
        [ErrorCodes.PersonLimit.Value] = "Error.PersonLimit",
        [ErrorCodes.ContractIllegalTransition.Value] = "Error.Transition",
        [ErrorCodes.ContractNotPermitted.Value] = "Error.NotPermitted",
        [DomainErrorCode.InvalidField("id").Value] = "Error.PartyId",
        [DomainErrorCode.InvalidField("role").Value] = "Error.Role",
    };

    public static string Say(DomainException refusal, IStringLocalizer<OperatorText> text)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        ArgumentNullException.ThrowIfNull(text);
        return Keys.TryGetValue(refusal.Code, out var key) ? text[key] : refusal.Message;
    }
}
