# wrk (Debian's package), the load driver `build.ps1 bench` prefers for the HTTP scenarios (P1): the benchmarks use it
# when it is on PATH and otherwise measure with their own raw-socket driver (and say so in each row). This installs it
# with apt when the script runs as root on Linux, and otherwise says what to install. `build.ps1 test` never needs it.

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

function Install-Wrk {
    [CmdletBinding()]
    param()
    if (Get-Command wrk -CommandType Application -ErrorAction SilentlyContinue) { return }
    if ($IsLinux -and (Get-Command apt-get -ErrorAction SilentlyContinue) -and ((& id -u) -eq '0')) {
        Write-Host 'The HTTP benchmarks prefer wrk as their load driver; installing it with apt-get.'
        $env:DEBIAN_FRONTEND = 'noninteractive'
        $candidate = (& apt-cache policy wrk | Select-String -Pattern '^\s*Candidate:\s*(\S+)').Matches
        if (-not $candidate -or $candidate[0].Groups[1].Value -eq '(none)') { & apt-get update -q }
        & apt-get install -y -q wrk
        if ($LASTEXITCODE -eq 0) { return }
    }
    Write-Warning 'wrk is not installed, so the HTTP benchmarks measure with their own raw-socket driver only. For wrk as well: sudo apt-get install wrk (Debian/Ubuntu), or put a wrk build on PATH.'
}
