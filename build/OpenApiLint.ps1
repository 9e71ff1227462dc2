# Spectral (tools/openapi-lint, pinned) lints the marketplace's OpenAPI document against spectral:oas.
# The lint itself runs as a test (tests/Marketplace.Host.Tests/OpenApiLintTests.cs), so it counts as a test
# result; this only installs Spectral before the tests run. Requires `node` (20+) and `npm` on PATH.

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

function Install-OpenApiLint {
    <# Runs `npm ci` in tools/openapi-lint when node_modules is missing or older than package(-lock).json. #>
    [CmdletBinding()]
    param()
    $dir = Join-Path (Split-Path -Parent $PSScriptRoot) 'tools/openapi-lint'
    $installed = Join-Path $dir 'node_modules/.package-lock.json'
    $needed = -not (Test-Path -LiteralPath $installed)
    if (-not $needed) {
        $installedAt = (Get-Item -LiteralPath $installed -Force).LastWriteTimeUtc
        foreach ($name in 'package-lock.json', 'package.json') {
            if ((Get-Item -LiteralPath (Join-Path $dir $name)).LastWriteTimeUtc -gt $installedAt) { $needed = $true }
        }
    }
    if (-not $needed) { return }

    if (-not (Get-Command npm -ErrorAction SilentlyContinue)) { throw 'npm is not on PATH: install Node.js 20 or later.' }
    Write-Host "openapi-lint: npm ci in $dir"
    Push-Location -LiteralPath $dir
    try {
        & npm ci --no-audit --no-fund | Out-Host
        if ($LASTEXITCODE -ne 0) { throw "npm ci failed in $dir (exit code $LASTEXITCODE)." }
    }
    finally {
        Pop-Location
    }
}
