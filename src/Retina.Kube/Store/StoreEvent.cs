using System.Text.Json.Nodes;
using Retina.Kube.Client;

namespace Retina.Kube.Store;

/// <summary>A change recorded by <see cref="ApiObjectStore"/>: the object after the change and, for updates, before it.</summary>
public sealed record StoreEvent(ResourceDescriptor Resource, WatchEventKind Type, JsonObject Object, JsonObject? Previous, long ResourceVersion);
