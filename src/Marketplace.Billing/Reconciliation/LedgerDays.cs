using Marketplace.Domain;
using Marketplace.Grains;

namespace Marketplace.Billing.Reconciliation;

/// <summary>
/// A period's usage per contract and billing day, summed in one streaming pass over the ledger in compact arrays:
/// a contract is an index, a day a column, and an event's day is found in a table of quarter hours (every zone's
/// offset is a whole number of quarter hours), never by converting time zones per event.
/// </summary>
public sealed class LedgerDays
{
    private const long SlotTicks = TimeSpan.TicksPerMinute * 15;

    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly long _startTicks;
    private readonly byte[] _slotDay;
    private string[] _contracts = new string[64];
    private long[] _units = [];
    private long[] _events = [];
    private long[] _hourUnits = [];
    private string? _lastContract;
    private int _lastRow = -1;

    public LedgerDays(BillingPeriod period, BillingCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(period);
        ArgumentNullException.ThrowIfNull(calendar);
        FirstDay = calendar.DayOf(period.Start);
        DayCount = calendar.DayOf(period.End.AddTicks(-1)).DayNumber - FirstDay.DayNumber + 1;
        _startTicks = period.Start.UtcTicks;
        var slots = (int)((period.End.UtcTicks - _startTicks + SlotTicks - 1) / SlotTicks);
        _slotDay = new byte[slots];
        for (var i = 0; i < slots; i++)
        {
            _slotDay[i] = (byte)(calendar.DayOf(new DateTimeOffset(_startTicks + (i * SlotTicks), TimeSpan.Zero)).DayNumber - FirstDay.DayNumber);
        }
        _units = new long[_contracts.Length * DayCount];
        _events = new long[_contracts.Length * DayCount];
        _hourUnits = new long[_contracts.Length * DayCount];
    }

    public DateOnly FirstDay { get; }

    public int DayCount { get; }

    public int ContractCount => _index.Count;

    /// <summary>Events dated outside the period (counted on its first or last day).</summary>
    public long OutsidePeriod { get; private set; }

    public IEnumerable<string> Contracts => _contracts.Take(_index.Count);

    public DateOnly Day(int column) => FirstDay.AddDays(column);

    public int Column(DateOnly day) => day.DayNumber - FirstDay.DayNumber;

    /// <summary>The contract's row, or -1 when the ledger holds no event of it.</summary>
    public int Row(string contractId) => _index.GetValueOrDefault(contractId, -1);

    /// <summary>The contract's row, added when it has none yet.</summary>
    public int Register(string contractId)
    {
        // Events come in arrival order, mostly in runs of one contract (a report or a page at a time).
        if (ReferenceEquals(contractId, _lastContract) || string.Equals(contractId, _lastContract, StringComparison.Ordinal))
        {
            return _lastRow;
        }
        if (!_index.TryGetValue(contractId, out var row))
        {
            row = _index.Count;
            if (row == _contracts.Length)
            {
                Array.Resize(ref _contracts, row * 2);
                Array.Resize(ref _units, _contracts.Length * DayCount);
                Array.Resize(ref _events, _contracts.Length * DayCount);
                Array.Resize(ref _hourUnits, _contracts.Length * DayCount);
            }
            _contracts[row] = contractId;
            _index.Add(contractId, row);
        }
        _lastContract = contractId;
        _lastRow = row;
        return row;
    }

    /// <summary>Counts one event; answers its cell (row × days + column).</summary>
    public int Add(string contractId, DateTimeOffset occurredAt, long units)
    {
        var cell = (Register(contractId) * DayCount) + ColumnOf(occurredAt);
        _units[cell] = checked(_units[cell] + units);
        _events[cell]++;
        return cell;
    }

    /// <summary>Counts one of the ledger's hourly totals (its own, cheap view of the same events) for cross-checking.</summary>
    public void AddHour(string contractId, DateTimeOffset hour, long units)
    {
        var cell = (Register(contractId) * DayCount) + ColumnOf(hour);
        _hourUnits[cell] = checked(_hourUnits[cell] + units);
    }

    public long HourUnits(int row, int column) => _hourUnits[(row * DayCount) + column];

    /// <summary>Cells so far (rows × days): a cell index below it stays valid as rows are added.</summary>
    public int CellCount => _index.Count * DayCount;

    public int ColumnOf(DateTimeOffset instant)
    {
        var slot = (instant.UtcTicks - _startTicks) / SlotTicks;
        if (slot < 0 || slot >= _slotDay.Length)
        {
            OutsidePeriod++;
            return slot < 0 ? 0 : DayCount - 1;
        }
        return _slotDay[slot];
    }

    public long Units(int row, int column) => _units[(row * DayCount) + column];

    public long Events(int row, int column) => _events[(row * DayCount) + column];

    public long ContractUnits(int row)
    {
        long sum = 0;
        for (var c = 0; c < DayCount; c++)
        {
            sum = checked(sum + _units[(row * DayCount) + c]);
        }
        return sum;
    }

    public int CellOf(string contractId, DateOnly day) => Row(contractId) is var row and >= 0 ? (row * DayCount) + Column(day) : -1;
}

/// <summary>The last few events of one contract-day in ledger order: the ones a report that came before them missed.</summary>
internal sealed class EventTail(int capacity)
{
    private readonly (string Id, long Units)[] _ring = new (string, long)[capacity];
    private int _count;

    public void Add(string eventId, long units)
    {
        _ring[_count % _ring.Length] = (eventId, units);
        _count++;
    }

    /// <summary>The latest events that together make up <paramref name="units"/> (newest first), and how many more it would take.</summary>
    public (IReadOnlyList<string> Ids, int Omitted) Covering(long units)
    {
        var ids = new List<string>();
        var kept = Math.Min(_count, _ring.Length);
        for (var i = 0; i < kept && units > 0; i++)
        {
            var (id, u) = _ring[(_count - 1 - i) % _ring.Length];
            ids.Add(id);
            units -= u;
        }
        // Not covered by the events kept: the older events of the day may be among them.
        return (ids, units > 0 ? _count - kept : 0);
    }
}
