using Microsoft.Extensions.Logging;
using Retina.Api.ShellSession;
using Retina.Kube.Client;
using Retina.Kube.Controllers;
using Retina.Kube.Events;

namespace Retina.Local.Shell;

/// <summary>Wires local mode's ShellSession controller over the local store.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public static class LocalShells
{
    public static (Controller<ShellSession> Controller, LocalShellReconciler Reconciler) Create(IKubeClient store, ShellPolicy policy, LocalShellSettings settings,
        ILoggerFactory loggers, TimeProvider time, ControllerOptions controllerOptions)
    {
        var events = new EventRecorder(store, "retina-local", timeProvider: time, logger: loggers.CreateLogger("events"));
        var reconciler = new LocalShellReconciler(store, policy, settings, events, time);
        var controller = new Controller<ShellSession>("shellsession", store, reconciler, controllerOptions, loggers.CreateLogger("shellsession"), time);
        reconciler.Sessions = controller.Informer.Cache;
        reconciler.Wake = key => controller.Queue.Add(key);
        return (controller, reconciler);
    }
}
