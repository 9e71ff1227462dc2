# The test run in two lanes, one per core: the two longest projects (the host's and the browser's) lead a lane each and
# the others are dealt so the lanes end together. `dotnet test` on the solution ordered the projects by itself and could
# queue both long ones on the same core, ending minutes later than needed.

# Seconds each project took in the last clean-clone run (2 cores, both lanes busy), from its first test's start to its
# last test's end plus a few seconds of start-up; a project not named here counts as a minute.
$TestProjectSeconds = @{
    'Marketplace.Web.Tests'           = 765
    'Marketplace.Host.Tests'          = 715
    'Marketplace.Storage.Cosmos.Tests' = 110
    'Marketplace.Client.Tests'        = 100
    'Marketplace.Grains.Tests'        = 40
    'Marketplace.Samples.Tests'       = 30
    'Marketplace.Storage.Tests'       = 15
    'Marketplace.Billing.Tests'       = 12
    'Marketplace.Domain.Tests'        = 5
}

function Get-TestLanes([string] $TestsDir, [int] $Count = 2) {
    $projects = Get-ChildItem -Path $TestsDir -Filter '*.Tests.csproj' -Recurse | ForEach-Object {
        $seconds = $TestProjectSeconds[$_.BaseName]
        [pscustomobject]@{ Path = $_.FullName; Seconds = $(if ($seconds) { $seconds } else { 60 }) }
    } | Sort-Object -Property Seconds -Descending
    $lanes = @(for ($i = 0; $i -lt $Count; $i++) { [pscustomobject]@{ Projects = [System.Collections.Generic.List[string]]::new(); Seconds = 0 } })
    foreach ($project in $projects) {
        # Longest first, each to the lane that ends soonest so far.
        $lane = $lanes | Sort-Object -Property Seconds | Select-Object -First 1
        $lane.Projects.Add($project.Path)
        $lane.Seconds += $project.Seconds
    }
    return $lanes
}

# Runs each lane's projects one after another, the lanes side by side, relaying their output as it comes.
# Returns the first non-zero `dotnet test` exit code, or 0.
function Invoke-TestLanes($Lanes, [string[]] $TestArgs) {
    $jobs = foreach ($lane in $Lanes) {
        Start-ThreadJob -ArgumentList $lane.Projects.ToArray(), $TestArgs -ScriptBlock {
            param([string[]] $projects, [string[]] $testArgs)
            $PSNativeCommandUseErrorActionPreference = $false
            $exit = 0
            foreach ($project in $projects) {
                & dotnet test $project @testArgs 2>&1 | ForEach-Object { "$_" }
                if ($LASTEXITCODE -ne 0 -and $exit -eq 0) { $exit = $LASTEXITCODE }
            }
            [pscustomobject]@{ LaneExit = $exit }
        }
    }
    $state = @{ Exit = 0 }
    $relay = {
        param($job)
        foreach ($item in Receive-Job -Job $job) {
            if ($item -is [pscustomobject] -and $item.PSObject.Properties['LaneExit']) {
                if ($item.LaneExit -ne 0 -and $state.Exit -eq 0) { $state.Exit = $item.LaneExit }
            }
            else { Write-Host $item }
        }
    }
    while ($jobs | Where-Object { $_.State -eq 'Running' -or $_.State -eq 'NotStarted' }) {
        foreach ($job in $jobs) { & $relay $job }
        Start-Sleep -Milliseconds 500
    }
    foreach ($job in $jobs) {
        & $relay $job
        if ($job.State -eq 'Failed') {
            Write-Host "A test lane failed: $($job.JobStateInfo.Reason)"
            if ($state.Exit -eq 0) { $state.Exit = 1 }
        }
        Remove-Job -Job $job
    }
    return $state.Exit
}
