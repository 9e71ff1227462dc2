# Spectral (tools/openapi-lint, pinned) lints the marketplace's OpenAPI document against spectral:oas.
# The lint itself runs as a test (tests/Marketplace.Host.Tests/OpenApiLintTests.cs), so it counts as a test
# result; this only installs Spectral before the tests run. Requires `node` (20+) and `npm` on PATH.

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
. (Join-Path $PSScriptRoot 'NpmTool.ps1')

function Install-OpenApiLint {
    <# Installs the pinned tools/openapi-lint (npm ci) when missing or out of date. #>
    [CmdletBinding()]
    param()
    Install-NpmTool -Name 'openapi-lint'
}
