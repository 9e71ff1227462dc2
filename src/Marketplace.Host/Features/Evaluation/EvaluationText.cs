namespace Marketplace.Host.Features.Evaluation;

/// <summary>The evaluation page's strings: <c>EvaluationText.resx</c> (English) and <c>EvaluationText.ja.resx</c> (Japanese).</summary>
public sealed class EvaluationText;
