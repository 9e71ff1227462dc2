using System.Globalization;

namespace Marketplace.Benchmarks.Runner;

/// <summary>
/// Resident memory of a process as Linux reports it (<c>/proc/{pid}/status</c>): VmRSS now and VmHWM, the peak
/// since the process started or since the peak was last reset. Elsewhere the figures are those .NET reports
/// (working set, peak working set) for the same process.
/// </summary>
public static class ResidentMemory
{
    public static double CurrentMiB(int processId) => Read(processId, "VmRSS:") ?? Fallback(processId, peak: false);

    public static double PeakMiB(int processId) => Read(processId, "VmHWM:") ?? Fallback(processId, peak: true);

    /// <summary>Starts a new peak for this process (Linux: writing 5 to clear_refs resets VmHWM to the current RSS).</summary>
    public static void ResetPeak(int processId)
    {
        if (OperatingSystem.IsLinux())
        {
            try
            {
                File.WriteAllText($"/proc/{processId.ToString(CultureInfo.InvariantCulture)}/clear_refs", "5");
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    private static double? Read(int processId, string field)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }
        foreach (var line in File.ReadLines($"/proc/{processId.ToString(CultureInfo.InvariantCulture)}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                var kb = long.Parse(line.AsSpan(field.Length).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
                return kb / 1024.0;
            }
        }
        return null;
    }

    private static double Fallback(int processId, bool peak)
    {
        using var process = System.Diagnostics.Process.GetProcessById(processId);
        return (peak ? process.PeakWorkingSet64 : process.WorkingSet64) / (1024.0 * 1024.0);
    }
}
