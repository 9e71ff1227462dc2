# redis-server (Debian's package) for cluster mode: the membership table and Hangfire's storage. The cluster tests
# (tests/Marketplace.Host.Tests/Cluster) and `build.ps1 cluster` start their own on a free port. This installs it
# with apt when the script runs as root on Linux (as CI does), and otherwise stops and says what to install.

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

function Get-RedisServerPath {
    if ($env:MARKETPLACE_REDIS_SERVER) { return $env:MARKETPLACE_REDIS_SERVER }
    $found = Get-Command redis-server -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($found) { return $found.Source }
    return '/usr/bin/redis-server'
}

function Install-Redis {
    [CmdletBinding()]
    param()
    $path = Get-RedisServerPath
    if (Test-Path -LiteralPath $path -PathType Leaf) { return }
    if ($env:MARKETPLACE_REDIS_SERVER) {
        throw "MARKETPLACE_REDIS_SERVER names $path, which does not exist. Point it at redis-server, or unset it."
    }
    if ($IsLinux -and (Get-Command apt-get -ErrorAction SilentlyContinue) -and ((& id -u) -eq '0')) {
        Write-Host 'The cluster tests need redis-server; installing with apt-get.'
        $env:DEBIAN_FRONTEND = 'noninteractive'
        $candidate = (& apt-cache policy redis-server | Select-String -Pattern '^\s*Candidate:\s*(\S+)').Matches
        if (-not $candidate -or $candidate[0].Groups[1].Value -eq '(none)') { & apt-get update -q }
        & apt-get install -y -q redis-server
        if (-not (Test-Path -LiteralPath '/usr/bin/redis-server' -PathType Leaf)) { throw 'apt-get installed redis-server, but /usr/bin/redis-server is missing.' }
        return
    }
    throw "Cluster mode needs redis-server. Install it (Debian/Ubuntu: ``sudo apt-get install -y redis-server``; elsewhere see https://redis.io/docs/latest/operate/oss_and_stack/install/), or set MARKETPLACE_REDIS_SERVER to its path, then run again."
}

function Start-RedisServer([int] $Port, [string] $LogDir) {
    <# redis-server on 127.0.0.1:$Port, in memory only; returns the process once it listens (at most 15 s). #>
    Install-Redis
    $stdout = Join-Path $LogDir 'redis.log'
    $process = Start-Process -FilePath (Get-RedisServerPath) -ArgumentList @('--port', "$Port", '--bind', '127.0.0.1', '--save', '""', '--appendonly', 'no') `
        -RedirectStandardOutput $stdout -RedirectStandardError (Join-Path $LogDir 'redis.err.log') -NoNewWindow -PassThru
    $deadline = [DateTime]::UtcNow.AddSeconds(15)
    while ([DateTime]::UtcNow -lt $deadline) {
        if ($process.HasExited) { throw "redis-server exited with code $($process.ExitCode): see $stdout" }
        $client = [System.Net.Sockets.TcpClient]::new()
        try { $client.Connect('127.0.0.1', $Port); return $process } catch { Start-Sleep -Milliseconds 100 } finally { $client.Dispose() }
    }
    $process.Kill()
    throw "redis-server did not listen on port $Port within 15 s (see $stdout)."
}
