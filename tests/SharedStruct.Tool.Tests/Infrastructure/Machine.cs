namespace SharedStruct.Tool.Tests.Infrastructure;

/// <summary>
/// A struct the real generator compiles (it is this project's analyzer), with an enum field: its stored layout
/// description is the generator's, enum lines included, not one written by hand like <see cref="Probe"/>'s.
/// </summary>
[SharedSegment("tool.machine")]
public partial struct Machine
{
    public MachineState State;
    public long Jobs;
}

/// <summary>The enum field's type: a non-default underlying type and a negative member.</summary>
public enum MachineState : short
{
    Idle = 0,
    Busy = 7,
    Broken = -1,
}
