using System.Security.Cryptography;
using Marketplace.Application.Consent;
using Marketplace.Application.People;
using Marketplace.Domain;
using Marketplace.Grains;
using Marketplace.Host.Auth;

namespace Marketplace.Host.Features.Consent;

/// <summary>
/// An information bank registers one of its people: the subject, optionally a sign-in for the subject portal (with a
/// one-time password) and the person's own API key. It lives in the host because keys are a host matter (see
/// <see cref="Parties.PartyAdministration"/>).
/// </summary>
public sealed class SubjectRegistration(InformationBanking banking, IGrainFactory grains, PersonPasswords passwords, ApiKeyIssuer keys)
{
    public async Task<RegisteredSubjectResponse> RegisterAsync(string bankId, RegisterSubjectRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var signIn = string.IsNullOrWhiteSpace(request.SignIn) ? null : SignInNames.Normalize(request.SignIn);
        var profile = await banking.RegisterSubjectAsync(bankId, request.SubjectId?.Trim(), request.DisplayName);
        string? oneTime = null;
        if (signIn is not null)
        {
            oneTime = PersonPasswords.NewOneTimePassword();
            await grains.GetGrain<IPersonGrain>(PersonKey.For(signIn)).Enrol(
                new PersonEnrolment(bankId, PartyRole.DataSubject, profile.DisplayName, passwords.Hash(oneTime), profile.SubjectId, signIn));
        }
        var key = await keys.IssueAsync(new ApiPrincipal(bankId, PartyRole.DataSubject, profile.SubjectId));
        return new RegisteredSubjectResponse(profile.ToResponse(), signIn, oneTime, key);
    }
}

/// <summary>
/// The secret of the buyers' pseudonyms: 256 random bits created at first start in the data directory (owner-only),
/// so pseudonyms stay stable across restarts and hosts sharing the directory.
/// </summary>
public static class PseudonymKeyFile
{
    public const string FileName = "pseudonym.key";

    public static PseudonymKey LoadOrCreate(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, FileName);
        if (!File.Exists(path))
        {
            // Written whole under another name and then moved into place, so no host ever reads a half-written key.
            var staged = path + "." + Guid.NewGuid().ToString("N");
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }
            using (var file = new FileStream(staged, options))
            {
                file.Write(RandomNumberGenerator.GetBytes(SubjectPseudonym.MinKeyBytes));
                file.Flush(flushToDisk: true);
            }
            try
            {
                File.Move(staged, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another host on the same directory created it first: use theirs.
                File.Delete(staged);
            }
        }
        var key = File.ReadAllBytes(path);
        return key.Length >= SubjectPseudonym.MinKeyBytes
            ? new PseudonymKey(key)
            : throw new InvalidOperationException($"{path} holds {key.Length} bytes; a pseudonym key has at least {SubjectPseudonym.MinKeyBytes}. Restore it from backup (pseudonyms change without it).");
    }

    /// <summary>
    /// The key in a key folder (the shared store's, for a cluster: every host must pseudonymise a person alike), as
    /// base64 text, made by whichever host comes first.
    /// </summary>
    public static PseudonymKey LoadOrCreate(Marketplace.Storage.IKeyFolder folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        folder.CreateNew(FileName, Convert.ToBase64String(RandomNumberGenerator.GetBytes(SubjectPseudonym.MinKeyBytes)));
        var text = folder.Read(FileName) ?? throw new InvalidOperationException($"The pseudonym key '{FileName}' vanished from the shared store just after it was made.");
        var key = Convert.FromBase64String(text);
        return key.Length >= SubjectPseudonym.MinKeyBytes
            ? new PseudonymKey(key)
            : throw new InvalidOperationException($"The shared pseudonym key holds {key.Length} bytes; a pseudonym key has at least {SubjectPseudonym.MinKeyBytes}. Restore it from backup (pseudonyms change without it).");
    }
}
