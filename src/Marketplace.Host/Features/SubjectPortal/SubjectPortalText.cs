namespace Marketplace.Host.Features.SubjectPortal;

/// <summary>The subject portal's strings (<c>SubjectPortalText.resx</c>, <c>SubjectPortalText.ja.resx</c>).</summary>
public sealed class SubjectPortalText;
