# Prometheus' checker of the scrape format, `promtool check metrics`: the scrape test
# (tests/Marketplace.Host.Tests/Operate/ScrapeLintTests.cs) pipes /metrics through it. Debian's `prometheus` package
# ships it at /usr/bin/promtool; MARKETPLACE_PROMTOOL names another. The test fails (never skips) when it is
# missing; this installs it with apt when the script runs as root on Linux (as CI does), and otherwise stops and
# says exactly what to install. Installing the package does not start a Prometheus server in a container without
# an init system (policy-rc.d); elsewhere stop it if you do not want one: `sudo systemctl disable --now prometheus`.

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

function Get-PromtoolPath {
    if ($env:MARKETPLACE_PROMTOOL) { return $env:MARKETPLACE_PROMTOOL }
    return '/usr/bin/promtool'
}

function Install-Promtool {
    <# Makes sure promtool is there, installing Debian's prometheus package with apt as root on Linux. #>
    [CmdletBinding()]
    param()
    $path = Get-PromtoolPath
    if (Test-Path -LiteralPath $path -PathType Leaf) { return }
    if ($env:MARKETPLACE_PROMTOOL) {
        throw "MARKETPLACE_PROMTOOL names $path, which does not exist. Point it at promtool, or unset it to use /usr/bin/promtool."
    }
    if ($IsLinux -and (Get-Command apt-get -ErrorAction SilentlyContinue) -and ((& id -u) -eq '0')) {
        Write-Host 'The scrape test needs promtool; installing Debian''s prometheus package with apt-get.'
        $env:DEBIAN_FRONTEND = 'noninteractive'
        # A fresh machine (a CI container) may not have read the package lists yet: no candidate to install.
        $candidate = (& apt-cache policy prometheus | Select-String -Pattern '^\s*Candidate:\s*(\S+)').Matches
        if (-not $candidate -or $candidate[0].Groups[1].Value -eq '(none)') { & apt-get update -q }
        & apt-get install -y -q --no-install-recommends prometheus
        if (-not (Test-Path -LiteralPath $path -PathType Leaf)) { throw "apt-get installed prometheus, but $path is still missing." }
        return
    }
    if ($IsLinux) {
        throw "The scrape test needs promtool at $path. Install it (Debian/Ubuntu: ``sudo apt-get install -y prometheus``), or set MARKETPLACE_PROMTOOL to a promtool binary, then run again."
    }
    throw "The scrape test needs promtool (from a Prometheus release, https://prometheus.io/download/). Set MARKETPLACE_PROMTOOL to its executable, then run again."
}
