# `build.ps1 cluster`: the marketplace as a cluster on this machine — redis-server (membership and Hangfire), the
# local Cosmos server (the shared store), three hosts on loopback — seeded with the sample city. Everything it
# starts is recorded, by process id, in <DataDir>/cluster/processes.json; `build.ps1 cluster -Stop` stops exactly
# those processes (and only if each is still the program it started), then removes the record.

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

function Get-ClusterRecordPath([string] $DataDir) { Join-Path $DataDir 'cluster/processes.json' }

function Get-FreePort {
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    try { return $listener.LocalEndpoint.Port } finally { $listener.Stop() }
}

function Start-MarketplaceCluster {
    param([string] $Root, [string] $Configuration, [string] $DataDir, [int] $FirstHttpPort, [string] $CosmosKey, [int] $Hosts = 3)
    $record = Get-ClusterRecordPath $DataDir
    if (Test-Path -LiteralPath $record) {
        throw "A cluster started here is recorded in $record. Stop it first: dotnet pwsh ./build.ps1 cluster -Stop"
    }
    $dir = Split-Path -Parent $record
    if (Test-Path -LiteralPath $dir) { Remove-Item -Recurse -Force -LiteralPath $dir }
    New-Item -ItemType Directory -Force -Path $dir | Out-Null
    $started = [System.Collections.Generic.List[object]]::new()
    function Save-Record { $started | ConvertTo-Json -Depth 3 | Set-Content -LiteralPath $record -Encoding utf8 }
    function Add-Started([string] $Name, [System.Diagnostics.Process] $Process, [string] $Address) {
        $started.Add([pscustomobject] @{ name = $Name; pid = $Process.Id; program = $Process.ProcessName; startedAt = $Process.StartTime.ToUniversalTime().ToString('o'); address = $Address })
        Save-Record
    }
    try {
        $redisPort = Get-FreePort
        $redis = Start-RedisServer -Port $redisPort -LogDir $dir
        Add-Started 'redis' $redis "127.0.0.1:$redisPort"
        $emulator = Start-CosmosEmulator -Port 0
        Add-Started 'cosmos' $emulator.Process $emulator.Endpoint

        $hostDir = Join-Path $Root "src/Marketplace.Host/bin/$Configuration/net10.0"
        $clusterId = 'local-' + [guid]::NewGuid().ToString('n').Substring(0, 8)
        $urls = @()
        for ($i = 0; $i -lt $Hosts; $i++) {
            $name = 'host-' + [char](97 + $i)
            $data = Join-Path $dir $name
            New-Item -ItemType Directory -Force -Path $data | Out-Null
            $url = "http://127.0.0.1:$($FirstHttpPort + $i)"
            $urls += $url
            $hostArgs = @((Join-Path $hostDir 'Marketplace.Host.dll'), '--urls', $url, '--contentRoot', $hostDir,
                "--Marketplace:DataDirectory=$data", "--Marketplace:SiloPort=$(Get-FreePort)", "--Marketplace:GatewayPort=$(Get-FreePort)",
                '--Marketplace:Store=Cosmos', "--Marketplace:Cosmos:Endpoint=$($emulator.Endpoint)", "--Marketplace:Cosmos:Key=$CosmosKey",
                '--Marketplace:Cosmos:AcceptAnyServerCertificate=true',
                '--Marketplace:Cluster:Mode=Cluster', "--Marketplace:Cluster:Redis=127.0.0.1:$redisPort", "--Marketplace:Cluster:ClusterId=$clusterId",
                '--Marketplace:Cluster:AdvertisedAddress=127.0.0.1',
                '--Marketplace:Billing:IssuerName=港未来市データ取引所 (Minato-Mirai Data Exchange)', '--Marketplace:Billing:IssuerRegistration=T9000000000009')
            $process = Start-Process -FilePath 'dotnet' -ArgumentList $hostArgs -NoNewWindow -PassThru `
                -RedirectStandardOutput (Join-Path $data 'host.log') -RedirectStandardError (Join-Path $data 'host.err.log')
            Add-Started $name $process $url
            # The first host makes the operator; the others join once it is up.
            if ($i -eq 0) { Wait-Healthy $url $process 120 }
        }
        for ($i = 1; $i -lt $Hosts; $i++) {
            Wait-Healthy $urls[$i] (Get-Process -Id $started[2 + $i].pid) 120
        }
        $first = Join-Path $dir 'host-a'
        $seeder = Join-Path $Root "samples/Marketplace.Samples.SmartCity/bin/$Configuration/net10.0/Marketplace.Samples.SmartCity.dll"
        $PSNativeCommandUseErrorActionPreference = $false
        dotnet $seeder seed --url $urls[0] --operator-key-file (Join-Path $first 'operator.key') --keys-file (Join-Path $first 'demo-keys.env')
        $seeded = $LASTEXITCODE
        $PSNativeCommandUseErrorActionPreference = $true
        if ($seeded -ne 0) { throw "Seeding stopped before the sample city was complete (exit code $seeded)." }
    }
    catch {
        Write-Warning "The cluster did not come up: $_. Stopping what was started."
        Stop-MarketplaceCluster $DataDir
        throw
    }
    Write-Host ''
    Write-Host "Cluster $clusterId is up (processes recorded in $record):"
    foreach ($p in $started) { Write-Host ("  {0,-7} pid {1,-7} {2}" -f $p.name, $p.pid, $p.address) }
    Write-Host "Demo keys: $(Join-Path $first 'demo-keys.env'); operator key: $(Join-Path $first 'operator.key')."
    Write-Host 'Any host answers any request. Stop everything with: dotnet pwsh ./build.ps1 cluster -Stop'
}

function Stop-MarketplaceCluster([string] $DataDir) {
    $record = Get-ClusterRecordPath $DataDir
    if (-not (Test-Path -LiteralPath $record)) { Write-Host "No cluster is recorded in ${record}: nothing to stop."; return }
    $entries = @(Get-Content -Raw -LiteralPath $record | ConvertFrom-Json)
    [array]::Reverse($entries)
    foreach ($entry in $entries) {
        $process = Get-Process -Id $entry.pid -ErrorAction SilentlyContinue
        # Only the very process started here: a reused pid belongs to some other program, or started later.
        if ($process -and $process.ProcessName -eq $entry.program -and
            [Math]::Abs(($process.StartTime.ToUniversalTime() - [DateTime]::Parse($entry.startedAt).ToUniversalTime()).TotalSeconds) -lt 2) {
            $process.Kill($true)
            $process.WaitForExit()
            Write-Host "Stopped $($entry.name) (pid $($entry.pid))."
        }
        else {
            Write-Host "$($entry.name) (pid $($entry.pid)) had already stopped."
        }
    }
    Remove-Item -LiteralPath $record
}
