# Node tools the build uses live in tools/<name> with a pinned package.json + package-lock.json; they are
# installed with `npm ci` only when missing or older than their lock file.

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

function Install-NpmTool {
    <# Runs `npm ci` in tools/<Name> when node_modules is missing or older than package(-lock).json. #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] [string] $Name)
    $dir = Join-Path (Split-Path -Parent $PSScriptRoot) "tools/$Name"
    # npm writes node_modules/.package-lock.json on every successful install: it dates the installed tree.
    $installed = Join-Path $dir 'node_modules/.package-lock.json'
    $needed = -not (Test-Path -LiteralPath $installed)
    if (-not $needed) {
        $installedAt = (Get-Item -LiteralPath $installed -Force).LastWriteTimeUtc
        foreach ($file in 'package-lock.json', 'package.json') {
            if ((Get-Item -LiteralPath (Join-Path $dir $file)).LastWriteTimeUtc -gt $installedAt) { $needed = $true }
        }
    }
    if (-not $needed) { return }

    if (-not (Get-Command npm -ErrorAction SilentlyContinue)) { throw 'npm is not on PATH: install Node.js 20 or later.' }
    Write-Host "${Name}: npm ci in $dir"
    Push-Location -LiteralPath $dir
    try {
        & npm ci --no-audit --no-fund | Out-Host # keep npm chatter out of the function's output
        if ($LASTEXITCODE -ne 0) { throw "npm ci failed in $dir (exit code $LASTEXITCODE)." }
    }
    finally {
        Pop-Location
    }
}
