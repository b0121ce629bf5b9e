using Retina.NodeRuntime.Capture;

namespace Retina.NodeRuntime.Tests.Capture;

public sealed class DiskBudgetTests
{
    [Fact]
    public void Reservations_beyond_the_budget_are_refused_and_releases_make_room_again()
    {
        var budget = new DiskBudget(1_000);

        budget.TryReserve(600).ShouldBeTrue();
        budget.TryReserve(500).ShouldBeFalse();
        budget.UsedBytes.ShouldBe(600);
        budget.Release(600);
        budget.TryReserve(1_000).ShouldBeTrue();
    }

    [Fact]
    public void A_filesystem_below_its_free_space_floor_refuses_reservations_whatever_the_budget()
    {
        var dir = Directory.CreateTempSubdirectory("budget-").FullName;
        try
        {
            var free = new DriveInfo(dir).AvailableFreeSpace;
            var budget = new DiskBudget(long.MaxValue / 4, dir, minFreeBytes: free + 1_000_000_000);

            budget.TryReserve(10).ShouldBeFalse();
            budget.Describe().ShouldContain($"keeping {free + 1_000_000_000} bytes free on {dir}");
            new DiskBudget(long.MaxValue / 4, dir, minFreeBytes: 1).TryReserve(10).ShouldBeTrue();
        }
        finally
        {
            Directory.Delete(dir);
        }
    }
}
