using System;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SharedStruct;
using SharedStruct.Extensions.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers SharedStruct segments with a service collection.</summary>
public static class SharedSegmentServiceCollectionExtensions
{
    /// <summary>
    /// Registers a generated segment (or any segment type) as a singleton: opened once with the configured options,
    /// while the host starts unless <see cref="SharedSegmentServiceOptions.OpenAtStartup"/> is off, disposed when the
    /// container is, and deleted then if <see cref="SharedSegmentServiceOptions.DeleteOnShutdown"/> is on and no other
    /// process still has it open (or <see cref="SharedSegmentServiceOptions.ForceDeleteOnShutdown"/> is on).
    /// </summary>
    /// <example><code>services.AddSharedSegment(o => Health.Open(o), s => s.Segment, o => o.DeleteOnShutdown = true);</code></example>
    /// <param name="services">The service collection.</param>
    /// <param name="open">Opens the segment with the given options: the generated <c>Open</c>.</param>
    /// <param name="runtimeSegment">The runtime segment inside it: the generated wrapper's <c>Segment</c>.</param>
    /// <param name="configure">Sets the options; null for the defaults.</param>
    /// <returns>The service collection.</returns>
    /// <remarks>Registering the same segment type again does nothing: the first registration, with its options, stays.</remarks>
    public static IServiceCollection AddSharedSegment<TSegment, T>(
        this IServiceCollection services,
        Func<SharedSegmentOptions, TSegment> open,
        Func<TSegment, SharedSegment<T>> runtimeSegment,
        Action<SharedSegmentServiceOptions>? configure = null)
        where TSegment : class, IDisposable
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(open);
        ArgumentNullException.ThrowIfNull(runtimeSegment);
        var options = new SharedSegmentServiceOptions();
        configure?.Invoke(options);
        if (options.Name is not null)
            throw new ArgumentException(
                $"SharedSegmentServiceOptions.Name cannot rename a {typeof(TSegment).Name}: its name comes from [SharedSegment]. Register the struct by name with AddSharedSegment<{typeof(T).Name}>(name) instead.",
                nameof(configure));
        return Register(services, open, runtimeSegment, options, name: null);
    }

    /// <summary>
    /// Registers <see cref="SharedSegment{T}"/> for the segment <paramref name="name"/> (the struct need not be
    /// generated) as a singleton, with the same lifetime as the generated overload.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The segment name; <see cref="SharedSegmentServiceOptions.Name"/> overrides it (from configuration, say).</param>
    /// <param name="configure">Sets the options; null for the defaults.</param>
    /// <returns>The service collection.</returns>
    /// <exception cref="InvalidOperationException">
    /// <typeparamref name="T"/> is already registered for another segment name (the container holds one
    /// <see cref="SharedSegment{T}"/>). Registering the same name again does nothing: the first registration stays.
    /// </exception>
    public static IServiceCollection AddSharedSegment<T>(this IServiceCollection services, string name, Action<SharedSegmentServiceOptions>? configure = null)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new SharedSegmentServiceOptions { Name = name };
        configure?.Invoke(options);
        string segmentName = options.Name ?? throw new ArgumentException("A segment name is required.", nameof(name));
        SegmentName.Validate(segmentName);
        return Register(services, o => SharedSegment<T>.Open(segmentName, o), s => s, options, segmentName);
    }

    private static IServiceCollection Register<TSegment, T>(
        IServiceCollection services, Func<SharedSegmentOptions, TSegment> open, Func<TSegment, SharedSegment<T>> runtimeSegment,
        SharedSegmentServiceOptions options, string? name)
        where TSegment : class, IDisposable
        where T : unmanaged
    {
        if (RegisteredName<TSegment>(services) is { } registered)
        {
            if (string.Equals(registered.Name, name, StringComparison.Ordinal))
                return services; // the same segment again: the first registration, with its options, stays
            string type = DisplayName(typeof(TSegment));
            throw new InvalidOperationException(
                $"{type} is already registered for {Describe(registered.Name)}; a second registration for {Describe(name)} would be dropped, because the container holds one {type}. "
                + $"Give each segment its own struct type, or open the second one yourself with SharedSegment<{typeof(T).Name}>.Open(name) (wrapped in a type of your own if it is to be injected).");
        }
        services.Add(ServiceDescriptor.Singleton(new RegisteredSegmentName<TSegment>(name)));
        services.TryAddSingleton(sp => new SharedStructLogging(sp.GetService<ILoggerFactory>()));
        services.TryAddSingleton(sp => new SharedSegmentRegistration<TSegment, T>(open, runtimeSegment, options, sp));
        services.TryAddSingleton(sp => sp.GetRequiredService<SharedSegmentRegistration<TSegment, T>>().Segment);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SharedSegmentRegistration<TSegment, T>>(
            sp => sp.GetRequiredService<SharedSegmentRegistration<TSegment, T>>()));
        return services;
    }

    private static RegisteredSegmentName<TSegment>? RegisteredName<TSegment>(IServiceCollection services)
    {
        foreach (ServiceDescriptor descriptor in services)
        {
            if (descriptor.ServiceType == typeof(RegisteredSegmentName<TSegment>) && !descriptor.IsKeyedService)
                return descriptor.ImplementationInstance as RegisteredSegmentName<TSegment>;
        }
        return null;
    }

    private static string Describe(string? name) => name is null ? "the segment its Open delegate opens" : $"segment '{name}'";

    private static string DisplayName(Type type) =>
        type.IsGenericType ? $"{type.Name[..type.Name.IndexOf('`')]}<{string.Join(", ", Array.ConvertAll(type.GetGenericArguments(), DisplayName))}>" : type.Name;
}
