using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;
using Retina.Kube.Client;
using Retina.Kube.Controllers;
using Retina.Kube.Hosting;
using Retina.Kube.Informers;
using Retina.Kube.Leader;
using Retina.Kube.Tests.TestSupport;

namespace Retina.Kube.Tests.Hosting;

public sealed class ControllerRuntimeHostingTests
{
    [Fact]
    public async Task A_host_with_the_controller_runtime_reconciles_while_leading_and_stops_when_the_lease_is_lost()
    {
        await using var ctx = await KubeTestContext.StartAsync();
        var registry = Metrics.NewCustomRegistry();
        var reconciler = new DelegateReconciler((_, _) => Task.FromResult(ReconcileResult.Done));
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton<IKubeClient>(ctx.Client);
        builder.Services.AddSingleton<IController>(sp => new Controller<Widget>("widgets", sp.GetRequiredService<IKubeClient>(), reconciler,
            new ControllerOptions { Informer = new InformerOptions { Namespace = ctx.Namespace } }, metrics: sp.GetRequiredService<ControllerMetrics>()));
        builder.Services.AddControllerRuntime(o =>
        {
            o.Registry = registry;
            o.LeaderElection = new LeaderElectionOptions
            {
                LeaseName = "retina-controllers",
                Namespace = ctx.Namespace,
                Identity = "host-a",
                LeaseDuration = TimeSpan.FromSeconds(2),
                RenewDeadline = TimeSpan.FromSeconds(1),
                RetryPeriod = TimeSpan.FromMilliseconds(100),
            };
        });
        await using var app = builder.Build();
        app.MapHealth();
        var stopping = new TaskCompletionSource();
        app.Lifetime.ApplicationStopping.Register(() => stopping.TrySetResult());
        await app.StartAsync(ctx.Token);
        try
        {
            await ctx.Client.CreateAsync(Widget.Create(ctx.Namespace, "w"), ctx.Token);
            await Until.TrueAsync(() => reconciler.CallsOf("w") == 1, "the leader reconciles");
            app.Services.GetRequiredService<ControllerManager>().IsLeader.ShouldBeTrue();

            await Leases.StealAsync(ctx.Client, ctx.Namespace, "retina-controllers", "host-b", ctx.Token);

            await stopping.Task.WaitAsync(TimeSpan.FromSeconds(10));
            Environment.ExitCode.ShouldBe(1);
            app.Services.GetRequiredService<ControllerManager>().IsLeader.ShouldBeFalse();
        }
        finally
        {
            Environment.ExitCode = 0;
            await app.StopAsync(CancellationToken.None);
        }
    }
}
