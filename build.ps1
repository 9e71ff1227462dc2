#!/usr/bin/env pwsh
<#
.SYNOPSIS
  The Marketplace build script. Run `dotnet tool restore` once, then `dotnet pwsh ./build.ps1 <task>`.
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('help', 'build', 'test', 'run', 'bench', 'emulator', 'cluster')]
    [string] $Task = 'help',

    # The store the marketplace runs on (run only): the embedded SQLite file, or Cosmos on the local server.
    [ValidateSet('Sqlite', 'Cosmos')]
    [string] $Store = 'Sqlite',

    # Port of the local Cosmos server (emulator only).
    [int] $Port = 8081,

    # Where the embedded store keeps its database (run only).
    [string] $DataDir = './data',

    # The address the marketplace listens on (run only).
    [string] $Url = 'http://127.0.0.1:5000',

    # Test filter passed to `dotnet test --filter` (test only).
    [string] $Filter = '',

    # Stop the cluster that `build.ps1 cluster` started (cluster only).
    [switch] $Stop,

    # HTTP port of the cluster's first host; the others take the next ones (cluster only).
    [int] $ClusterPort = 5001,

    # Seconds each benchmark load runs (bench only; 0: the scenario's default).
    [int] $Seconds = 0,

    # Every benchmark scenario briefly, to prove they work (bench only).
    [switch] $Quick,

    # Benchmark scenarios to run, e.g. P1,P3 (bench only; default: P1..P8 and the micro-benchmarks).
    [string] $Only = '',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
$PSNativeCommandUseErrorActionPreference = $true
Set-StrictMode -Version Latest
$Root = $PSScriptRoot
$Solution = Join-Path $Root 'Marketplace.sln'
$env:DOTNET_NOLOGO = '1'
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
. (Join-Path $Root 'build/CosmosEmulator.ps1')
. (Join-Path $Root 'build/OpenApiLint.ps1')
. (Join-Path $Root 'build/Chromium.ps1')
. (Join-Path $Root 'build/Redis.ps1')
. (Join-Path $Root 'build/Cluster.ps1')
. (Join-Path $Root 'build/Promtool.ps1')
. (Join-Path $Root 'build/Wrk.ps1') # h1 (issue 13): the bench load driver
. (Join-Path $Root 'build/TestLanes.ps1')
$CosmosEmulatorKey = 'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU9DUuiBxGfrNeXsyl9RcfFB+7wyDHBAcSe9H5RAyKUKCkMVA=='

function Show-Help {
    @'
Tasks:
  help    this text
  build   restore and compile the whole solution (warnings are errors)
  test    build, run every test project, print "tests: N passed, N failed, N skipped"
          -Filter <expr>  only tests matching a dotnet test filter
  run     build, start the marketplace on -Url (default http://127.0.0.1:5000) with its store in
          -DataDir (default ./data), seed the sample city when the store is empty, print the demo keys
          -Store Cosmos  run on Cosmos instead, against the local Cosmos server (started and stopped here)
  cluster three hosts as one Orleans cluster on loopback (ports -ClusterPort, default 5001, and the next two):
          redis-server for membership, the local Cosmos server as the shared store, the sample city seeded;
          the processes are recorded in -DataDir/cluster/processes.json
          -Stop  stops exactly the processes that `cluster` started
  emulator  the local Cosmos-protocol server on https://127.0.0.1:<-Port> (default 8081) until Ctrl+C
  bench   the scenarios of issue 13 (P1..P8), each beside a baseline measured in the same run, on SQLite and on
          the local Cosmos server (started and stopped here); writes bench/results.json and bench/results.md
          -Quick        every scenario briefly (build.ps1 test does this once), results in artifacts/bench-quick
          -Seconds <n>  seconds of each load (default 10; 1 with -Quick)
          -Only <ids>   some scenarios only, e.g. -Only P1,P3; the extras run only when named:
                        X-cluster (one host and three: real processes, redis-server, the local Cosmos server),
                        X-harvest (harvest of 1,000 datasets), X-listing-growth (50,000 listings)
'@ | Write-Host
}

function Invoke-Build {
    dotnet build $Solution -c $Configuration --nologo -clp:'NoSummary;ErrorsOnly' -v:quiet
}

function Get-TrxCounts([string] $ResultsDir) {
    $totals = @{ passed = 0; failed = 0; skipped = 0 }
    foreach ($file in Get-ChildItem -Path $ResultsDir -Filter '*.trx' -Recurse -ErrorAction SilentlyContinue) {
        [xml] $trx = Get-Content -Raw -LiteralPath $file.FullName
        $c = $trx.TestRun.ResultSummary.Counters
        $totals.passed += [int] $c.passed
        $totals.failed += [int] $c.failed + [int] $c.error + [int] $c.timeout + [int] $c.aborted
        $totals.skipped += [int] $c.notExecuted
    }
    return $totals
}

function Invoke-Test {
    # Each phase's seconds are printed, so a slow run says where its time went (the whole must stay under 20 minutes).
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    function Write-Phase([string] $Name) { Write-Host ("[test] {0}: {1:N0} s" -f $Name, $clock.Elapsed.TotalSeconds); $clock.Restart() }
    Invoke-Build
    Write-Phase 'build'
    Install-OpenApiLint # the OpenAPI lint runs as a test (OpenApiLintTests)
    Install-NpmTool -Name 'shacl-validator' # DcatCatalogTests validates /catalog.ttl with it
    Install-NpmTool -Name 'odrl-check' # the ODRL tests expand the policies as JSON-LD with it (tests/Marketplace.Host.Tests/Odrl)
    Install-Chromium # the browser tests drive it (tests/Marketplace.Web.Tests)
    Install-Redis # the cluster tests start it (tests/Marketplace.Host.Tests/Cluster)
    Install-Promtool # the scrape test lints /metrics with it (ScrapeLintTests)
    Write-Phase 'tools'
    $results = Join-Path $Root 'artifacts/test-results'
    if (Test-Path $results) { Remove-Item -Recurse -Force $results }
    New-Item -ItemType Directory -Force -Path $results | Out-Null

    $testArgs = @('-c', $Configuration, '--no-build', '--nologo',
        '--results-directory', $results, '--logger', 'trx', '--logger', 'console;verbosity=minimal')
    if ($Filter) { $testArgs += @('--filter', $Filter) }

    # The Cosmos tests run against the local Cosmos-protocol server, started here and stopped afterwards.
    $emulator = Start-CosmosEmulator -Port 0
    $env:MARKETPLACE_COSMOS_ENDPOINT = $emulator.Endpoint
    Write-Phase 'local Cosmos server'
    try {
        # Let the test run fail without aborting the script: the summary line must still be printed.
        $PSNativeCommandUseErrorActionPreference = $false
        $lanes = Get-TestLanes (Join-Path $Root 'tests')
        $exit = Invoke-TestLanes $lanes $testArgs
        $PSNativeCommandUseErrorActionPreference = $true
        Write-Phase 'test lanes'
    }
    finally {
        Stop-CosmosEmulator $emulator
        Remove-Item Env:MARKETPLACE_COSMOS_ENDPOINT -ErrorAction SilentlyContinue
    }

    $t = Get-TrxCounts $results
    Write-Host ("tests: {0} passed, {1} failed, {2} skipped" -f $t.passed, $t.failed, $t.skipped)
    if ($exit -ne 0 -or $t.failed -gt 0) { throw "Tests failed (dotnet test exit code $exit)." }
    if ($t.passed -eq 0) { throw 'No test ran.' }
}

function Invoke-Bench([switch] $Quick, [int] $Seconds, [string] $Only, [string] $Output) {
    $benchArgs = @('--out', $Output)
    if ($Quick) { $benchArgs += '--quick' }
    if ($Seconds -gt 0) { $benchArgs += @('--seconds', $Seconds) }
    if ($Only) { $benchArgs += @('--only', $Only) }
    $emulator = Start-CosmosEmulator -Port 0
    $env:MARKETPLACE_COSMOS_ENDPOINT = $emulator.Endpoint
    try { dotnet (Join-Path $Root 'tests/Marketplace.Benchmarks/bin/Release/net10.0/Marketplace.Benchmarks.dll') @benchArgs }
    finally {
        Stop-CosmosEmulator $emulator
        Remove-Item Env:MARKETPLACE_COSMOS_ENDPOINT -ErrorAction SilentlyContinue
    }
}

function Wait-Healthy([string] $BaseUrl, [System.Diagnostics.Process] $Process, [int] $Seconds = 60) {
    $deadline = (Get-Date).AddSeconds($Seconds)
    while ((Get-Date) -lt $deadline) {
        if ($Process.HasExited) { throw "The marketplace exited during start-up (exit code $($Process.ExitCode))." }
        try {
            $r = Invoke-WebRequest -Uri "$BaseUrl/health" -TimeoutSec 2 -SkipHttpErrorCheck
            if ($r.StatusCode -eq 200) { return }
        }
        catch { Start-Sleep -Milliseconds 200 }
    }
    throw "The marketplace did not answer $BaseUrl/health within $Seconds s."
}

function Invoke-Run {
    Invoke-Build
    # A Cosmos run keeps its keys apart: the local server is in memory and is seeded afresh each time.
    $data = [System.IO.Path]::GetFullPath($(if ($Store -eq 'Cosmos') { Join-Path $DataDir 'cosmos' } else { $DataDir }), $Root)
    New-Item -ItemType Directory -Force -Path $data | Out-Null
    $hostDir = Join-Path $Root "src/Marketplace.Host/bin/$Configuration/net10.0"
    $seeder = Join-Path $Root "samples/Marketplace.Samples.SmartCity/bin/$Configuration/net10.0/Marketplace.Samples.SmartCity.dll"

    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    # The sample city is a rehearsal marketplace: its test clock lets the operator take it through a month end, and
    # its invoices are issued in the name of a fictional operator with a fictional registration number.
    $hostArgs = @((Join-Path $hostDir 'Marketplace.Host.dll'), '--urls', $Url, '--contentRoot', $hostDir,
        "--Marketplace:DataDirectory=$data", '--Marketplace:TestClock:Enabled=true',
        # The silo talks to no other: free ports let two cities run side by side (-Url and -DataDir set apart).
        "--Marketplace:SiloPort=$(Get-FreePort)", "--Marketplace:GatewayPort=$(Get-FreePort)",
        '--Marketplace:Billing:IssuerName=港未来市データ取引所 (Minato-Mirai Data Exchange)', '--Marketplace:Billing:IssuerRegistration=T9000000000009')
    $emulator = $null
    if ($Store -eq 'Cosmos') {
        # The local server keeps everything in memory: the city is seeded afresh on every run.
        $emulator = Start-CosmosEmulator -Port 0
        $hostArgs += @('--Marketplace:Store=Cosmos', "--Marketplace:Cosmos:Endpoint=$($emulator.Endpoint)",
            "--Marketplace:Cosmos:Key=$CosmosEmulatorKey", '--Marketplace:Cosmos:AcceptAnyServerCertificate=true')
        Write-Host "Cosmos store on the local server at $($emulator.Endpoint)"
    }
    $process = Start-Process -FilePath 'dotnet' -ArgumentList $hostArgs -PassThru -NoNewWindow
    try {
        Wait-Healthy $Url $process
        Write-Host ("Marketplace answering on {0} after {1:N1} s (data in {2})." -f $Url, $watch.Elapsed.TotalSeconds, $data)
        # The seeder finishes an earlier, interrupted seeding and exits non-zero unless the whole city is in place.
        $PSNativeCommandUseErrorActionPreference = $false
        dotnet $seeder seed --url $Url --operator-key-file (Join-Path $data 'operator.key') --keys-file (Join-Path $data 'demo-keys.env')
        $seeded = $LASTEXITCODE
        $PSNativeCommandUseErrorActionPreference = $true
        if ($seeded -ne 0) { throw "Seeding stopped before the sample city was complete (exit code $seeded); run again to resume it." }
        Write-Host ("Sample city ready after {0:N1} s. Catalog: {1}/  API reference: {1}/scalar  OpenAPI: {1}/openapi/v1.json" -f $watch.Elapsed.TotalSeconds, $Url)
        Write-Host "Press Ctrl+C to stop."
        $process.WaitForExit()
    }
    finally {
        if (-not $process.HasExited) {
            $process.Kill($true)
            $process.WaitForExit()
        }
        if ($emulator) { Stop-CosmosEmulator $emulator }
    }
}

function Invoke-Emulator {
    $emulator = Start-CosmosEmulator -Port $Port
    try {
        Write-Host "Local Cosmos server on $($emulator.Endpoint) (key: the well-known emulator key). Press Ctrl+C to stop."
        $emulator.Process.WaitForExit()
    }
    finally {
        Stop-CosmosEmulator $emulator
    }
}

switch ($Task) {
    'help' { Show-Help }
    'build' { Invoke-Build }
    'test' { Invoke-Test }
    'run' { Invoke-Run }
    'emulator' { Invoke-Emulator }
    'cluster' {
        $data = [System.IO.Path]::GetFullPath($DataDir, $Root)
        if ($Stop) { Stop-MarketplaceCluster $data }
        else {
            Invoke-Build
            Start-MarketplaceCluster -Root $Root -Configuration $Configuration -DataDir $data -FirstHttpPort $ClusterPort -CosmosKey $CosmosEmulatorKey
        }
    }
    'bench' {
        dotnet build (Join-Path $Root 'tests/Marketplace.Benchmarks') -c Release --nologo -v:quiet
        if (-not $Quick) { Install-Wrk }
        Invoke-Bench -Quick:$Quick -Seconds $Seconds -Only $Only -Output (Join-Path $Root ($Quick ? 'artifacts/bench-quick' : 'bench'))
    }
}
