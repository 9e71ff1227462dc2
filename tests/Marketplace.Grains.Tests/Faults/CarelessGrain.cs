namespace Marketplace.Grains.Tests.Faults;

/// <summary>A grain written carelessly: it swallows a failed write and carries on with its memory.</summary>
[Alias("Marketplace.Grains.Tests.ICarelessGrain")]
public interface ICarelessGrain : IGrainWithStringKey
{
    [Alias("Set")]
    Task Set(string value);

    [Alias("Get")]
    Task<string> Get();

    /// <summary>Changes the value, ignores a failed write and answers with the value it holds.</summary>
    [Alias("SetIgnoringFailure")]
    Task<string> SetIgnoringFailure(string value);

    /// <summary>Changes the value, ignores a failed write and writes again.</summary>
    [Alias("SetIgnoringFailureThenWriteAgain")]
    Task SetIgnoringFailureThenWriteAgain(string value);
}

[GenerateSerializer, Alias("Marketplace.Grains.Tests.CarelessState")]
public sealed class CarelessState
{
    [Id(0)] public string Value { get; set; } = "";
}

public sealed class CarelessGrain([PersistentState("careless", GrainStorage.Name)] IPersistentState<CarelessState> state) : Grain, ICarelessGrain
{
    public async Task Set(string value)
    {
        state.State.Value = value;
        await state.WriteStateAsync();
    }

    public Task<string> Get() => Task.FromResult(state.State.Value);

    public async Task<string> SetIgnoringFailure(string value)
    {
        await SwallowingAsync(value);
        return state.State.Value;
    }

    public async Task SetIgnoringFailureThenWriteAgain(string value)
    {
        await SwallowingAsync(value);
        await state.WriteStateAsync();
    }

    private async Task SwallowingAsync(string value)
    {
        state.State.Value = value;
        try
        {
            await state.WriteStateAsync();
        }
#pragma warning disable CA1031 // The point of this grain: it swallows every failure.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
