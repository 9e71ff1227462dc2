using Bogus;

namespace Marketplace.Samples.SmartCity.Generation;

/// <summary>One resident's annual health check, keyed by the information bank's pseudonymous subject id.</summary>
/// <param name="Sex">"F" or "M", as recorded on the check form.</param>
/// <param name="Hba1c">Glycated haemoglobin, % (NGSP).</param>
public sealed record HealthCheck(
    string SubjectId,
    DateOnly CheckedOn,
    int Age,
    string Sex,
    decimal HeightCm,
    decimal WeightKg,
    int SystolicBp,
    int DiastolicBp,
    decimal Hba1c);

/// <summary>Residents who entrusted their check-up results to the information bank, one check each.</summary>
public static class HealthChecks
{
    public const int Residents = 1_000;

    private const int Seed = 2026_06;

    public static IEnumerable<HealthCheck> Generate()
    {
        var random = new Randomizer(Seed);
        var subjects = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Residents; i++)
        {
            // A collision of 128 random bits will not happen, but the subject field is a key: guarantee it.
            string subject;
            do
            {
                subject = "subj-" + random.Uuid().ToString("N");
            }
            while (!subjects.Add(subject));

            var checkedOn = CityCalendar.StartDate.AddDays(random.Int(0, CityCalendar.DailyDays - 1));
            if (checkedOn.DayOfWeek == DayOfWeek.Sunday)
            {
                checkedOn = checkedOn.AddDays(1);
            }

            var age = random.Int(20, 84);
            var female = random.Bool(0.52f);
            var height = female
                ? random.Normal(158.5 - (0.07 * (age - 20)), 5.3)
                : random.Normal(172.0 - (0.08 * (age - 20)), 5.8);
            var bmi = Math.Clamp(random.Normal((female ? 21.8 : 23.5) + (0.02 * (age - 40)), 3.0), 16.0, 38.0);
            var weight = bmi * (height / 100) * (height / 100);
            var systolic = random.Normal(110 + (0.45 * (age - 20)) + (1.2 * (bmi - 22)), 11);
            var diastolic = random.Normal((0.58 * systolic) + 6, 6);
            var hba1c = Math.Clamp(random.Normal(5.2 + (0.009 * (age - 20)) + (0.04 * (bmi - 22)), 0.35), 4.3, 11.0);

            yield return new HealthCheck(
                SubjectId: subject,
                CheckedOn: checkedOn,
                Age: age,
                Sex: female ? "F" : "M",
                HeightCm: Decimals.Round(height, 1),
                WeightKg: Decimals.Round(weight, 1),
                SystolicBp: (int)Math.Round(systolic),
                DiastolicBp: (int)Math.Round(diastolic),
                Hba1c: Decimals.Round(hba1c, 1));
        }
    }
}
