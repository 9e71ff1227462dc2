# Local Cosmos DB (SQL API) server for development and tests: tools/cosmos-emulator (Node.js, in memory).
# Dot-source this file (build.ps1 does), then:
#   $cosmos = Start-CosmosEmulator -Port 0      # 0 = any free port; default 8081
#   ... use $cosmos.Endpoint (e.g. https://127.0.0.1:8081/) ...
#   Stop-CosmosEmulator $cosmos
# Requires `node` (20+) and `npm` on PATH. Works with PowerShell 7 on Linux, macOS and Windows.

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
. (Join-Path $PSScriptRoot 'NpmTool.ps1')

$script:CosmosEmulatorDir = Join-Path (Split-Path -Parent $PSScriptRoot) 'tools/cosmos-emulator'

function Install-CosmosEmulator {
    <# Installs the pinned tools/cosmos-emulator (npm ci) when missing or out of date. #>
    [CmdletBinding()]
    param()
    Install-NpmTool -Name 'cosmos-emulator'
}

function Start-CosmosEmulator {
    <#
      Starts `node server.js --port N` in the background and waits (at most 30 s) until it is listening.
      Returns [pscustomobject] @{ Process; Endpoint; Port; LogDir }. -Port 0 picks a free port.
      -NoSsl serves plain http:// instead of https:// with a self-signed certificate.
    #>
    [CmdletBinding()]
    param(
        [ValidateRange(0, 65535)] [int] $Port = 8081,
        [switch] $NoSsl
    )
    Install-CosmosEmulator
    $node = Get-Command node -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if (-not $node) { throw 'node is not on PATH: install Node.js 20 or later.' }
    # Something already answering there would pass the readiness check below: refuse instead.
    if ($Port -ne 0 -and (Test-CosmosEmulatorPort $Port)) { throw "Port $Port is already in use on 127.0.0.1." }

    # Output goes to files, not pipes: nobody would drain a pipe, and node blocks writing to a full one.
    $logDir = Join-Path ([System.IO.Path]::GetTempPath()) ("cosmos-emulator-" + [guid]::NewGuid().ToString('n'))
    New-Item -ItemType Directory -Path $logDir | Out-Null
    $stdout = Join-Path $logDir 'stdout.log'
    $stderr = Join-Path $logDir 'stderr.log'
    $arguments = @('server.js', '--port', "$Port")
    if ($NoSsl) { $arguments += '--no-ssl' }
    $process = Start-Process -FilePath $node.Source -ArgumentList $arguments -WorkingDirectory $script:CosmosEmulatorDir `
        -RedirectStandardOutput $stdout -RedirectStandardError $stderr -NoNewWindow -PassThru

    $deadline = [DateTime]::UtcNow.AddSeconds(30)
    $endpoint = $null
    while ($true) {
        $text = Get-Content -LiteralPath $stdout -Raw -ErrorAction SilentlyContinue
        if ($text -and $text -match 'cosmos-emulator listening on (\S+)') { $endpoint = $Matches[1]; break }
        if ($process.HasExited) {
            $err = Get-Content -LiteralPath $stderr -Raw -ErrorAction SilentlyContinue
            throw "cosmos-emulator exited with code $($process.ExitCode) before it was ready: $err"
        }
        if ($Port -ne 0 -and (Test-CosmosEmulatorPort $Port)) {
            $endpoint = '{0}://127.0.0.1:{1}/' -f ($(if ($NoSsl) { 'http' } else { 'https' })), $Port
            break
        }
        if ([DateTime]::UtcNow -gt $deadline) {
            Stop-CosmosEmulator ([pscustomobject] @{ Process = $process; LogDir = $null })
            throw "cosmos-emulator did not start within 30 s (logs in $logDir)."
        }
        Start-Sleep -Milliseconds 100
    }
    $actualPort = ([uri] $endpoint).Port
    [pscustomobject] @{ Process = $process; Endpoint = $endpoint; Port = $actualPort; LogDir = $logDir }
}

function Stop-CosmosEmulator {
    <# Kills the emulator started by Start-CosmosEmulator and waits for it to exit. #>
    [CmdletBinding()]
    param([Parameter(Mandatory, Position = 0, ValueFromPipeline)] $Emulator)
    process {
        $p = $Emulator.Process
        if ($p -and -not $p.HasExited) {
            try { $p.Kill() } catch [System.InvalidOperationException] { } # exited meanwhile
            if (-not $p.WaitForExit(10000)) { throw "cosmos-emulator (pid $($p.Id)) did not exit." }
        }
        $logDir = $Emulator.LogDir
        if ($logDir -and (Test-Path -LiteralPath $logDir)) {
            Remove-Item -LiteralPath $logDir -Recurse -Force -ErrorAction SilentlyContinue
        }
    }
}

function Test-CosmosEmulatorPort([int] $Port) {
    $tcp = [System.Net.Sockets.TcpClient]::new()
    try {
        return $tcp.ConnectAsync('127.0.0.1', $Port).Wait(200) -and $tcp.Connected
    }
    catch {
        return $false
    }
    finally {
        $tcp.Dispose()
    }
}
