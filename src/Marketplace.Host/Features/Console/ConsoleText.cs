namespace Marketplace.Host.Features.Console;

/// <summary>The consoles' shared strings (contract states, who acted) and the buyer console's (<c>ConsoleText.resx</c>, <c>ConsoleText.ja.resx</c>).</summary>
public sealed class ConsoleText;
