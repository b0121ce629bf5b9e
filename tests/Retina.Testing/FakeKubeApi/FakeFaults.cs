using System.Net;

namespace Retina.Testing.FakeKubeApi;

/// <summary>The failures still to inject, and a log of those that fired (verb, plural, subresource, code).</summary>
public sealed class FakeFaults
{
    private readonly List<(FakeFault Fault, int Left)> pending = [];
    private readonly List<(string Verb, string Plural, string Subresource, HttpStatusCode Code)> fired = [];
    private readonly Lock gate = new();

    public void Add(FakeFault fault)
    {
        lock (gate)
        {
            pending.Add((fault, fault.Times));
        }
    }

    /// <summary>Every fault that fired so far, in order.</summary>
    public IReadOnlyList<(string Verb, string Plural, string Subresource, HttpStatusCode Code)> Fired
    {
        get
        {
            lock (gate)
            {
                return [.. fired];
            }
        }
    }

    /// <summary>Whether every added fault has fired as many times as it was asked to.</summary>
    public bool AllFired
    {
        get
        {
            lock (gate)
            {
                return pending.Count == 0;
            }
        }
    }

    internal FakeFault? Take(string verb, string plural, string subresource)
    {
        lock (gate)
        {
            var i = pending.FindIndex(p => p.Fault.Matches(verb, plural, subresource));
            if (i < 0)
            {
                return null;
            }

            var (fault, left) = pending[i];
            if (left <= 1)
            {
                pending.RemoveAt(i);
            }
            else
            {
                pending[i] = (fault, left - 1);
            }

            fired.Add((verb, plural, subresource, fault.Code));
            return fault;
        }
    }
}
