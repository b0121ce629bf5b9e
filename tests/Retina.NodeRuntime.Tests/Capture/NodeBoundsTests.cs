using Retina.NodeRuntime.Agent;
using Retina.NodeRuntime.Capture;
using Retina.Testing.Kernel;

namespace Retina.NodeRuntime.Tests.Capture;

/// <summary>What one node lets captures take: ring memory, and the free-space floor that is on by default.</summary>
public sealed class NodeBoundsTests
{
    [Fact]
    public void The_free_space_floor_is_on_by_default_at_ten_percent_or_the_absolute_floor_if_larger()
    {
        var defaults = new NodeAgentOptions();
        defaults.MinFreeDiskPercent.ShouldBe(10);
        defaults.MinFreeBytes(100L * 1024 * 1024 * 1024).ShouldBe(10L * 1024 * 1024 * 1024);
        new NodeAgentOptions { MinFreeDiskMB = 20 * 1024 }.MinFreeBytes(100L * 1024 * 1024 * 1024).ShouldBe(20L * 1024 * 1024 * 1024);
        new NodeAgentOptions { MinFreeDiskPercent = 0 }.MinFreeBytes(100L * 1024 * 1024 * 1024).ShouldBe(0);
    }

    [Fact]
    public void A_floor_above_the_real_free_space_refuses_the_reservation_and_says_what_it_keeps()
    {
        var directory = Directory.CreateTempSubdirectory("floor-");
        try
        {
            var free = new DriveInfo(directory.FullName).AvailableFreeSpace;
            var budget = new DiskBudget(long.MaxValue / 4, directory.FullName, free + (1L << 30));
            budget.TryReserve(4096).ShouldBeFalse("the filesystem would drop below the floor");
            budget.UsedBytes.ShouldBe(0);
            budget.Describe().ShouldContain($"keeping {free + (1L << 30)} bytes free on {directory.FullName}");
            new DiskBudget(long.MaxValue / 4, directory.FullName, 1).TryReserve(4096).ShouldBeTrue();
        }
        finally
        {
            directory.Delete();
        }
    }

    [Theory]
    [InlineData(0, 10, 5, "MinFreeDiskPercent")]
    [InlineData(95, 10, 5, "MinFreeDiskPercent must be between 0 and 90 (got 95)")]
    [InlineData(10, 0, 0, "CaptureMemoryMB must be positive")]
    [InlineData(10, 64, 64, "FlightRecorderMB (64) must be less than CaptureMemoryMB (64)")]
    public void Bad_bounds_are_refused_at_start_up_naming_the_setting(int percent, long memory, long recorder, string problem)
    {
        var problems = new NodeAgentOptions { NodeName = "n", MinFreeDiskPercent = percent, CaptureMemoryMB = memory, FlightRecorderMB = recorder }.Validate();
        if (percent == 0)
        {
            problems.ShouldBeEmpty("0 turns the percentage off");
        }
        else
        {
            problems.ShouldContain(p => p.Contains(problem, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void The_memory_budget_never_goes_over_and_frees_what_is_released()
    {
        var budget = new CaptureMemoryBudget(10);
        budget.TryReserve(6).ShouldBeTrue();
        budget.TryReserve(5).ShouldBeFalse();
        budget.UsedBytes.ShouldBe(6);
        budget.Release(6);
        budget.TryReserve(10).ShouldBeTrue();
        budget.TryReserve(long.MaxValue).ShouldBeFalse("no overflow");
    }

    [KernelFact]
    public async Task A_capture_whose_rings_do_not_fit_the_memory_budget_fails_at_start_and_the_bytes_come_back_when_one_ends()
    {
        await using var bed = await CaptureBed.CreateAsync();
        const int ring = 1024 * 1024;
        var budget = new CaptureMemoryBudget(ring + (ring / 2));
        var engine = bed.Engine(bed.Options() with { MemoryBudget = budget, RingBufferBytesPerInterface = ring });

        var first = await engine.StartAsync(bed.Request() with { PcapFilter = "udp" });
        first.Phase.ShouldBe(CapturePhase.Running);
        budget.UsedBytes.ShouldBe(ring, "one ring on one interface");

        var second = await engine.StartAsync(bed.Request() with { Name = "cap2", PcapFilter = "udp" });
        var refused = await second.Completion.WaitAsync(TimeSpan.FromMinutes(1));
        refused.Phase.ShouldBe(CapturePhase.Failed);
        refused.Reason.ShouldBe(CaptureReasons.MemoryBudgetExceeded);
        refused.Message.ShouldStartWith($"1 interface ring(s) of {ring} bytes ({ring} bytes) do not fit in the node capture memory budget of {ring + (ring / 2)} bytes ({ring} in use");
        budget.UsedBytes.ShouldBe(ring, "the refused capture holds nothing");

        await first.StopAsync().WaitAsync(TimeSpan.FromMinutes(1));
        await CaptureBed.WaitUntilAsync(() => budget.UsedBytes == 0, "the finished capture's rings are returned");
        var third = await engine.StartAsync(bed.Request() with { Name = "cap3", PcapFilter = "udp" });
        third.Phase.ShouldBe(CapturePhase.Running);
        await third.StopAsync().WaitAsync(TimeSpan.FromMinutes(1));
    }
}
