using Microsoft.Extensions.Logging;

namespace Retina.Kube.Controllers;

internal static partial class ControllerLog
{
    [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "Controller {Controller} started with {Workers} workers")]
    public static partial void Started(ILogger logger, string controller, int workers);

    [LoggerMessage(EventId = 201, Level = LogLevel.Warning, Message = "Controller {Controller}: reconcile of {Key} failed ({Error}), retrying in {Delay}")]
    public static partial void ReconcileFailed(ILogger logger, string controller, string key, string error, TimeSpan delay);

    [LoggerMessage(EventId = 202, Level = LogLevel.Error, Message = "Controller {Controller}: reconcile of {Key} threw, retrying in {Delay}")]
    public static partial void ReconcileThrew(ILogger logger, Exception exception, string controller, string key, TimeSpan delay);

    [LoggerMessage(EventId = 203, Level = LogLevel.Debug, Message = "Controller {Controller}: reconciled {Key}: {Result}")]
    public static partial void Reconciled(ILogger logger, string controller, string key, string result);
}
