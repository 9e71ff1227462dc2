# The browser the browser tests (tests/Marketplace.Web.Tests) drive: Debian's `chromium` package at
# /usr/bin/chromium (Google Chrome on Windows), or whatever MARKETPLACE_CHROMIUM names. Never a browser
# downloaded by `playwright install`. The tests fail (never skip) when it is missing; this installs it with apt
# when the script runs as root on Linux (as CI does), and otherwise stops and says exactly what to install.
# A Japanese font (fonts-ipafont-gothic) comes with it, or the Japanese screenshots show empty boxes.

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

function Get-ChromiumPath {
    if ($env:MARKETPLACE_CHROMIUM) { return $env:MARKETPLACE_CHROMIUM }
    if ($IsWindows) { return Join-Path $env:ProgramFiles 'Google/Chrome/Application/chrome.exe' }
    return '/usr/bin/chromium'
}

function Test-JapaneseFont {
    <# Whether IPA Gothic is installed: the Japanese screenshots need a Japanese font, and the invoice PDF embeds
       this one (a collection font such as Noto CJK's .ttc cannot be embedded). #>
    if (-not $IsLinux -or -not (Get-Command fc-list -ErrorAction SilentlyContinue)) { return $true }
    return [bool] (& fc-list 'IPAGothic' family)
}

function Install-Chromium {
    <# Makes sure the browser the tests drive is there (and, on Linux, a Japanese font for the screenshots),
       installing Debian's chromium and fonts-ipafont-gothic with apt as root on Linux. #>
    [CmdletBinding()]
    param()
    $path = Get-ChromiumPath
    $hasBrowser = Test-Path -LiteralPath $path -PathType Leaf
    if (-not $hasBrowser -and $env:MARKETPLACE_CHROMIUM) {
        throw "MARKETPLACE_CHROMIUM names $path, which does not exist. Point it at a Chromium-based browser, or unset it to use /usr/bin/chromium."
    }
    $missing = @()
    if (-not $hasBrowser) { $missing += 'chromium', 'fonts-ipafont-gothic' } # fontconfig comes with chromium
    elseif (-not (Test-JapaneseFont)) { $missing += 'fonts-ipafont-gothic' }
    if ($missing.Count -eq 0) { return }
    if ($IsLinux -and (Get-Command apt-get -ErrorAction SilentlyContinue) -and ((& id -u) -eq '0')) {
        Write-Host "The browser tests need $($missing -join ' and '); installing with apt-get."
        $env:DEBIAN_FRONTEND = 'noninteractive'
        # A fresh machine (a CI container) may not have read the package lists yet: no candidate to install.
        $candidate = (& apt-cache policy chromium | Select-String -Pattern '^\s*Candidate:\s*(\S+)').Matches
        if (-not $candidate -or $candidate[0].Groups[1].Value -eq '(none)') { & apt-get update -q }
        & apt-get install -y -q @missing
        if (-not (Test-Path -LiteralPath $path -PathType Leaf)) { throw "apt-get installed chromium, but $path is still missing." }
        return
    }
    if ($hasBrowser) {
        Write-Warning 'No Japanese font is installed: the Japanese screenshots will show empty boxes. Install one: `sudo apt-get install -y fonts-ipafont-gothic`.'
        return
    }
    if ($IsLinux) {
        throw "The browser tests need Chromium at $path. Install it (Debian/Ubuntu: ``sudo apt-get install -y chromium fonts-ipafont-gothic``), or set MARKETPLACE_CHROMIUM to a Chromium-based browser, then run again."
    }
    if ($IsWindows) {
        throw "The browser tests need Google Chrome at $path. Install Google Chrome, or set MARKETPLACE_CHROMIUM to a Chromium-based browser, then run again."
    }
    throw "The browser tests need a Chromium-based browser. Install Chromium or Google Chrome and set MARKETPLACE_CHROMIUM to its executable (on macOS: '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'), then run again."
}
